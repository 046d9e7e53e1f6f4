// $ABRA_DIR/catalogue: a git clone of the catalogue repository (recipes.json).
// One real adapter (src/adapters/catalogue-repo.ts), loaded on first use.

import type { Catalogue } from '../core/catalogue.js';

export interface CatalogueSync {
  /** where the data came from: a URL, or a sentence about the local copy */
  source: string;
  /** true when the local copy was used without being brought up to date */
  local: boolean;
  warnings: string[];
}

export interface CatalogueStore {
  readonly dir: string;
  /** recipes.json */
  readonly file: string;
  exists(): boolean;
  isGitRepo(): boolean;
  /** make the local catalogue current from `urls` (catalogue.url, then mirrors); offline: the local copy */
  sync(urls: string[], offline: boolean, allowMissing?: boolean): Promise<CatalogueSync>;
  read(): Catalogue;
  write(text: string): void;
  checkPublishable(): Promise<void>;
  publish(url: string, message: string): Promise<{ commit: string; branch: string; committed: boolean } | undefined>;
}

export interface Catalogues {
  open(dir: string): Promise<CatalogueStore>;
}
