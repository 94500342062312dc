import type { StorageOption } from './catalog';

/**
 * The agreed storage layout as the instance assembles it at first boot
 * (cloud-init runs user data as root): the data volumes attached at
 * /dev/sdf, /dev/sdg, … (on Nitro types Amazon Linux links those names to
 * the NVMe devices), joined by mdadm when the layout is a RAID array,
 * formatted with XFS once, and mounted at the mount point with an fstab
 * entry by UUID. Every step checks before it acts, so a second run (a
 * reboot, a re-run of user data) changes nothing.
 */

/** The device name of the i-th data volume, as RunInstances maps it. */
export const dataDevice = (i: number) => `/dev/sd${String.fromCharCode(102 + i)}`;

export const DATA_MOUNT = '/data';

/** AWS caps user data at 16 KiB; the script is far below, and this says so if a layout ever is not. */
const MAX_USER_DATA = 16 * 1024;

export function storageUserData(storage: StorageOption, mount = DATA_MOUNT): string {
  if (!/^\/[a-z0-9/_-]+$/.test(mount)) throw new Error(`mount: ${mount} is not an absolute path of letters, digits, - and _`);
  const devices = Array.from({ length: storage.volumes }, (_, i) => dataDevice(i));
  const array = storage.raid !== undefined;
  const target = array ? '/dev/md/mosaic-data' : devices[0]!;
  const lines = [
    '#!/bin/bash',
    `# Mosaic storage layout: ${describeLayout(storage)}, mounted at ${mount}`,
    'set -euo pipefail',
    // Volumes attached at launch may appear a moment after cloud-init starts.
    `for d in ${devices.join(' ')}; do for i in $(seq 1 120); do [ -e "$d" ] && break; sleep 1; done; [ -e "$d" ] || { echo "mosaic: $d did not appear" >&2; exit 1; }; done`,
    ...(array
      ? [
          'command -v mdadm >/dev/null || dnf install -y mdadm || yum install -y mdadm || apt-get install -y mdadm',
          `[ -e ${target} ] || mdadm --create ${target} --run --level=${storage.raid} --raid-devices=${devices.length} ${devices.join(' ')}`,
          'mkdir -p /etc/mdadm && mdadm --detail --scan > /etc/mdadm/mdadm.conf && cp /etc/mdadm/mdadm.conf /etc/mdadm.conf',
        ]
      : []),
    `blkid ${target} >/dev/null 2>&1 || mkfs.xfs -L mosaic-data ${target}`,
    `mkdir -p ${mount}`,
    `uuid=$(blkid -s UUID -o value ${target})`,
    `grep -q "$uuid" /etc/fstab || echo "UUID=$uuid ${mount} xfs defaults,nofail,noatime 0 2" >> /etc/fstab`,
    `mountpoint -q ${mount} || mount ${mount}`,
    '',
  ];
  const script = lines.join('\n');
  if (Buffer.byteLength(script) > MAX_USER_DATA)
    throw new Error(`user data is ${Buffer.byteLength(script)} bytes; AWS takes at most 16 KiB`);
  return script;
}

/** "RAID 10 over 4× gp3 250 GiB, 3000 IOPS each" and the like. */
export function describeLayout(s: StorageOption): string {
  const volume = `${s.volumeType} ${s.sizeGbEach} GiB, ${s.iopsEach} IOPS${s.volumes > 1 ? ' each' : ''}`;
  return s.raid === undefined ? volume : `RAID ${s.raid} over ${s.volumes}× ${volume}`;
}
