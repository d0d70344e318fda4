import { versionedAssetUrl } from '../../assets.js';

export const newsroomCss = (): string => versionedAssetUrl('newsroom.css');
export const newsroomJs = (): string => versionedAssetUrl('newsroom.js');
