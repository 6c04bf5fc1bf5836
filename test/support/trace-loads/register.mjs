// Preloaded with `node --import`: records every module URL the process resolves into
// $TESSERA_TRACE_LOADS, one a line, so a test can tell which packages a command loaded.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
