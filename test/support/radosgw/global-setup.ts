/**
 * Vitest globalSetup of the `s3` project: boots one radosgw for every S3 test file of the
 * run (tests get its address through `inject('radosgw')`) and stops it at the end.
 */
import type { TestProject } from 'vitest/node';
import { startRadosgw } from './start-radosgw.js';

declare module 'vitest' {
  export interface ProvidedContext {
    radosgw: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string };
  }
}

export default async function setup(project: TestProject) {
  const rgw = await startRadosgw();
  project.provide('radosgw', { endpoint: rgw.endpoint, accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey, region: rgw.region });
  return () => rgw.stop();
}
