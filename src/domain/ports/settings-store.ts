/** Site settings as key/value strings. */
export interface SettingsStore {
  getAll(): Promise<Map<string, string>>;
  set(key: string, value: string, now: string): Promise<void>;
}
