import { storageOption } from '../../../src/negotiation/catalog';
import { describeLayout, storageUserData } from '../../../src/negotiation/storage-layout';

describe('storage layout as user data', () => {
  it('assembles RAID 10 over four volumes with mdadm, formats once and mounts by UUID', () => {
    const raid10 = storageOption('raid10-gp3', 'us-east-1', 400, 8000);
    const script = storageUserData(raid10);
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain('mdadm --create /dev/md/mosaic-data --run --level=10 --raid-devices=4 /dev/sdf /dev/sdg /dev/sdh /dev/sdi');
    expect(script).toContain('blkid /dev/md/mosaic-data >/dev/null 2>&1 || mkfs.xfs -L mosaic-data /dev/md/mosaic-data');
    expect(script).toMatch(/echo "UUID=\$uuid \/data xfs defaults,nofail,noatime 0 2" >> \/etc\/fstab/);
    expect(script).toContain(`# Mosaic storage layout: ${describeLayout(raid10)}`);
  });

  it('uses RAID 1 for a mirror and no mdadm for a single volume', () => {
    expect(storageUserData(storageOption('raid1-gp3', 'us-east-1', 100, 3000))).toContain('--level=1 --raid-devices=2 /dev/sdf /dev/sdg');
    const single = storageUserData(storageOption('io2', 'us-east-1', 100, 12000));
    expect(single).not.toContain('mdadm');
    expect(single).toContain('mkfs.xfs -L mosaic-data /dev/sdf');
    expect(describeLayout(storageOption('st1', 'us-east-1', 1000, 100))).toBe('st1 1000 GiB, 500 IOPS');
  });

  it('takes no mount point that could smuggle shell', () => {
    expect(() => storageUserData(storageOption('gp3', 'us-east-1', 10, 100), '/data; rm -rf /')).toThrow(
      /mount: .* is not an absolute path/,
    );
  });
});
