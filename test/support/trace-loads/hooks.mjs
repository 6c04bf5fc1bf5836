import { appendFileSync } from 'node:fs';

/** Module resolution hook: passes every resolution through and appends its URL to the trace file. */
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.TESSERA_TRACE_LOADS) appendFileSync(process.env.TESSERA_TRACE_LOADS, `${result.url}\n`);
  return result;
}
