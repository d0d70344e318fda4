import { versionedAssetUrl } from '../../assets.ts';

export const newsroomCss = (): string => versionedAssetUrl('newsroom.css');
export const newsroomJs = (): string => versionedAssetUrl('newsroom.js');
