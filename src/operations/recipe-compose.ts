// The compose files of a recipe working tree as the maintainer commands read
// them: root compose*.yml plus what .env.sample's COMPOSE_FILE names, the
// base file first, and the images of their services.

import { findImageSites, type ImageSite } from '../core/recipe-edit.js';
import { byText } from '../core/text-order.js';

const BASE_FILES = ['compose.yml', 'compose.yaml', 'docker-compose.yml', 'docker-compose.yaml'];

/** Compose file paths, the base file first, overlays after in name order. */
export function composeOrder(paths: string[]): string[] {
  const base = (p: string) => (BASE_FILES.includes(p) ? BASE_FILES.indexOf(p) : BASE_FILES.length);
  return [...paths].sort((a, b) => base(a) - base(b) || byText(a, b));
}

/** Every image site of every compose file, in compose order. Throws RecipeError for a file that is not YAML. */
export function imageSites(composeFiles: Record<string, string>): ImageSite[] {
  return composeOrder(Object.keys(composeFiles)).flatMap((f) => findImageSites(composeFiles[f], f));
}

/**
 * service → image as the files write it (the first file that gives a
 * service an image wins: the base file). Files that do not parse are left
 * out, so an old release with a broken overlay still gives what it can.
 */
export function serviceImages(composeFiles: Record<string, string>): Record<string, string> {
  const images: Record<string, string> = {};
  for (const f of composeOrder(Object.keys(composeFiles))) {
    let sites: ImageSite[];
    try {
      sites = findImageSites(composeFiles[f], f);
    } catch {
      continue;
    }
    for (const s of sites) if (s.image && !s.image.startsWith('*') && !(s.service in images)) images[s.service] = s.image;
  }
  return images;
}
