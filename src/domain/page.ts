/** A static page such as About or Membership. */
export interface Page {
  id: number;
  slug: string;
  title: string;
  bodyMarkdown: string;
  bodyHtml: string;
  status: 'draft' | 'published';
  showInNavigation: boolean;
  position: number;
  createdAt: string;
  updatedAt: string;
}
