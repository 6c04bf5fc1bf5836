import type { ValidateFunction } from 'ajv';

/**
 * The config schema's validator compiled ahead of time: tools/build.mjs replaces this module in
 * the built CLI with ajv's standalone code for CONFIG_SCHEMA, so no command compiles the schema
 * (60–80 ms of start-up in a workspace with a tessera.config.json). Run from the sources it is
 * undefined, and config.ts compiles the schema with ajv on first use.
 */
export const precompiledValidator: ValidateFunction | undefined = undefined;
