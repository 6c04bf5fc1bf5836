/**
 * For S3 test files: the shared radosgw's address, credentials in this process's
 * environment (where the AWS SDK and the builds it spawns look for them), and fresh buckets.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** The radosgw of this run, with AWS_* credentials set for the SDK's default chain. */
export function useRadosgw() {
  const rgw = inject('radosgw');
  process.env.AWS_ACCESS_KEY_ID = rgw.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = rgw.secretAccessKey;
  process.env.AWS_REGION = rgw.region;
  const client = () => new S3Client({ endpoint: rgw.endpoint, region: rgw.region, forcePathStyle: true, credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  return {
    ...rgw,
    client,
    /** Creates a bucket with a unique name and returns it. */
    async createBucket(prefix = 'tessera-test'): Promise<string> {
      const name = `${prefix}-${randomBytes(4).toString('hex')}`;
      const s3 = client();
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      s3.destroy();
      return name;
    },
  };
}
