import { readPageScript as readBundledScript } from '../html/read-page-script.js';

/** The page script, inlined by tools/build.mjs into the compiled CLI. */
declare const TESSERA_REPORT_PAGE: string | undefined;

/** The report page's script: the timeline, the log panel and ansi_up (report/page/), bundled for the browser. */
export const readPageScript = (): string => readBundledScript(typeof TESSERA_REPORT_PAGE === 'string' ? TESSERA_REPORT_PAGE : undefined, 'report-page.js');
