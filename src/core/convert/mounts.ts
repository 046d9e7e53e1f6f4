// Service `volumes:` → ContainerSpec.Mounts, mirroring docker/cli
// cli/compose/convert/volume.go. Swarm creates missing named volumes itself
// on whichever node runs the task, from VolumeOptions; there is no separate
// volume-create step in `docker stack deploy`.

import type { ServiceConfig, ServiceVolumeConfig, VolumeConfig } from '../compose/types.js';
import { objectName, withStackLabel } from './namespace.js';
import { serviceError } from './service-error.js';
import type { Mount } from './swarm-types.js';

export function convertMounts(
  stack: string,
  svc: ServiceConfig,
  volumes: Record<string, VolumeConfig>,
  warnings: string[],
): Mount[] {
  return svc.volumes.map((vol) => convertMount(stack, svc.name, vol, volumes, warnings));
}

function convertMount(
  stack: string,
  service: string,
  vol: ServiceVolumeConfig,
  volumes: Record<string, VolumeConfig>,
  warnings: string[],
): Mount {
  const fail = (message: string) => serviceError(service, 'volumes', `${message} (mount at ${vol.target})`);
  const incompatible = (option: 'bind' | 'volume' | 'tmpfs'): void => {
    if (vol[option] !== undefined) throw fail(`${option} options are incompatible with type ${vol.type}`);
  };

  const mount: Mount = { Type: vol.type, Target: vol.target };
  if (vol.source) mount.Source = vol.source;
  if (vol.read_only) mount.ReadOnly = true;
  if (vol.consistency) mount.Consistency = vol.consistency;

  switch (vol.type) {
    case 'volume': {
      incompatible('bind');
      incompatible('tmpfs');
      if (!vol.source) {
        // Anonymous volume: docker returns before looking at volume options.
        if (vol.volume?.nocopy) {
          warnings.push(
            `service ${service}: volume ${vol.target}: "nocopy" on an anonymous volume is ignored by docker stack deploy`,
          );
        }
        return mount;
      }
      const top = volumes[vol.source];
      if (!top) {
        throw fail(`volume "${vol.source}" is not declared in the top-level volumes: section`);
      }
      mount.Source = objectName(stack, vol.source, top);
      mount.VolumeOptions = {};
      if (vol.volume?.nocopy) mount.VolumeOptions.NoCopy = true;
      // External volumes already exist: no labels or driver to create them with.
      if (top.external) return mount;
      mount.VolumeOptions.Labels = withStackLabel(stack, top.labels);
      const hasDriverOpts = top.driver_opts !== undefined && Object.keys(top.driver_opts).length > 0;
      if (top.driver || hasDriverOpts) {
        mount.VolumeOptions.DriverConfig = {};
        if (top.driver) mount.VolumeOptions.DriverConfig.Name = top.driver;
        if (hasDriverOpts) mount.VolumeOptions.DriverConfig.Options = { ...top.driver_opts };
      }
      return mount;
    }
    case 'bind':
    case 'npipe': {
      if (!vol.source) throw fail(`invalid ${vol.type} source, source cannot be empty`);
      incompatible('volume');
      incompatible('tmpfs');
      if (vol.bind) {
        mount.BindOptions = {};
        if (vol.bind.propagation) mount.BindOptions.Propagation = vol.bind.propagation;
      }
      return mount;
    }
    case 'tmpfs': {
      if (vol.source) throw fail('invalid tmpfs source, source must be empty');
      incompatible('bind');
      incompatible('volume');
      if (vol.tmpfs) {
        mount.TmpfsOptions = {};
        if (vol.tmpfs.size !== undefined) mount.TmpfsOptions.SizeBytes = vol.tmpfs.size;
        // docker/cli copies only the size into TmpfsOptions.
        if (vol.tmpfs.mode !== undefined) {
          warnings.push(
            `service ${service}: volume ${vol.target}: key "tmpfs.mode" is ignored by docker stack deploy`,
          );
        }
      }
      return mount;
    }
    default: {
      const type: never = vol.type;
      throw fail(`volume type must be volume, bind, tmpfs or npipe, not "${String(type)}"`);
    }
  }
}
