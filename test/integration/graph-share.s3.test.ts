import { createS3Store } from '../../tools/src/store/s3-store.js';
import { describeGraphSharing } from '../support/graph-share-scenarios.js';
import { useRadosgw } from '../support/radosgw/use-radosgw.js';

const rgw = useRadosgw();

describeGraphSharing('S3 (radosgw)', async () => {
  const bucket = await rgw.createBucket('graphs-test');
  return {
    config: { url: `s3://${bucket}/ci`, endpoint: rgw.endpoint, forcePathStyle: true },
    open: () => createS3Store({ bucket, prefix: 'ci', endpoint: rgw.endpoint, forcePathStyle: true }),
  };
});
