export interface Redirect {
  fromPath: string;
  toPath: string;
  statusCode: number;
}

/** Old URLs (renamed slugs, imported permalinks) and where they moved. */
export interface RedirectStore {
  find(fromPath: string): Promise<Redirect | undefined>;
  /** Records that `fromPath` moved to `toPath`, and repoints older redirects to it so none chains. */
  put(redirect: Redirect, now: string): Promise<void>;
  list(): Promise<Redirect[]>;
}
