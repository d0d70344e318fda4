import { type CommentCursor, commentCursorText, type ThreadNode } from '../../domain/comment.ts';
import { articlePath, commentsPath, MEMBER_PATHS } from '../../domain/paths.ts';
import type { CommentThread, ShownComment } from '../../services/comments/comments.ts';
import { formatDate } from './format.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { honeypotField, type ReaderFormParts, readerFormErrors, readerFormField } from './reader-form.ts';

/** "1 comment", "12 comments". */
export function commentCountText(count: number): string {
  return `${count.toLocaleString('en')} comment${count === 1 ? '' : 's'}`;
}

/** What the comments page tells a member after a post, by the `notice` it is redirected with. */
const COMMENT_NOTICES: Record<string, string> = {
  posted: 'Your comment is posted.',
  held: 'Thank you: your comment will appear once an editor has read it.',
  edited: 'Your comment is changed.',
  deleted: 'Your comment is deleted.',
};

/** The notice a link's `notice` names, or none: only the table's own keys, not what every object inherits. */
export function commentNotice(name: string | undefined): string | undefined {
  return name !== undefined && Object.hasOwn(COMMENT_NOTICES, name) ? COMMENT_NOTICES[name] : undefined;
}

const FORM: ReaderFormParts = {
  idPrefix: 'comment',
  labels: { body: 'Your comment', parent: 'Reply to' },
};

/** Where the page is read: its language and time zone, for dates. */
interface Calendar {
  language: string;
  timeZone: string;
}

export interface CommentsViewState {
  csrfToken: string;
  /** The signed-in member, or undefined for a reader not signed in. */
  member?: { name: string } | undefined;
  /** The comment the form replies to, when the reader chose "Reply". */
  replyTo?: ShownComment | undefined;
  values?: { body?: string; notify?: boolean };
  errors?: Record<string, string>;
  notice?: string | undefined;
  /** Set when the section is fetched into the article page: forms say so, to come back there. */
  isEmbedded?: boolean;
  /** Where the page shown starts (its link's cursor), for links that come back to it. */
  place?: { after?: CommentCursor | undefined; before?: CommentCursor | undefined };
}

/**
 * The comments page's address with this page's place (order, thread, cursor) and `extra`: links
 * that come back to the page the reader is on.
 */
function pageHref(
  thread: CommentThread,
  extra: { after?: CommentCursor | undefined; before?: CommentCursor | undefined; reply?: number },
  place: { after?: CommentCursor | undefined; before?: CommentCursor | undefined } = {},
): string {
  const query = new URLSearchParams();
  if (thread.focus !== undefined) query.set('thread', String(thread.focus));
  else if (thread.order === 'newest') query.set('order', 'newest');
  const after = extra.after ?? place.after;
  const before = extra.before ?? place.before;
  if (after) query.set('after', commentCursorText(after));
  else if (before) query.set('before', commentCursorText(before));
  if (extra.reply !== undefined) query.set('reply', String(extra.reply));
  const text = query.toString();
  return `${commentsPath(thread.article.slug)}${text ? `?${text}` : ''}`;
}

/** "Older comments" and "Newer comments" (or a thread's earlier and later replies), as there are. */
function pageLinks(thread: CommentThread): SafeHtml {
  const { previous, next } = thread.pages;
  if (!previous && !next) return html``;
  const labels =
    thread.focus !== undefined
      ? { previous: 'Earlier replies', next: 'Later replies' }
      : thread.order === 'newest'
        ? { previous: 'Newer comments', next: 'Older comments' }
        : { previous: 'Older comments', next: 'Newer comments' };
  const links: SafeHtml[] = [];
  if (previous)
    links.push(
      html`<a href="${pageHref(thread, { before: previous })}#comments" rel="prev">${labels.previous}</a>`,
    );
  if (next)
    links.push(html`<a href="${pageHref(thread, { after: next })}#comments" rel="next">${labels.next}</a>`);
  return html`<nav class="comments__pages" aria-label="More comments">${links}</nav>`;
}

/** The link to a long thread's own page, under its last reply shown. */
function moreRepliesLink(thread: CommentThread, id: number): SafeHtml {
  const more = thread.moreReplies.get(id);
  if (!more) return html``;
  const count = `${more.count.toLocaleString('en')}${more.isAtLeast ? '+' : ''}`;
  const label = `${count} more ${more.count === 1 && !more.isAtLeast ? 'reply' : 'replies'}`;
  return html`<p class="comments__more"><a href="${commentsPath(thread.article.slug)}?thread=${id}#comment-${id}">${label}</a></p>`;
}

function when(at: string, calendar: Calendar): SafeHtml {
  return html`<time datetime="${at}">${formatDate(at, calendar.language, calendar.timeZone)}</time>`;
}

function commentItem(
  node: ThreadNode<ShownComment>,
  context: { thread: CommentThread; state: CommentsViewState; calendar: Calendar },
): SafeHtml {
  const { comment } = node;
  const { thread, state, calendar } = context;
  const base = commentsPath(thread.article.slug);
  const isDeleted = comment.status === 'deleted';
  const actions: SafeHtml[] = [];
  if (!isDeleted && thread.isOpen)
    actions.push(
      html`<a class="comment__reply" href="${pageHref(thread, { reply: comment.id }, state.place)}#comment-form">Reply<span class="visually-hidden"> to ${comment.authorName}</span></a>`,
    );
  if (comment.canEdit) actions.push(html`<a href="${base}/${comment.id}/edit">Edit</a>`);
  if (comment.isOwn && !isDeleted)
    actions.push(html`<form method="post" action="${base}/${comment.id}/delete" class="comment__delete">
      <input type="hidden" name="_csrf" value="${state.csrfToken}">
      ${state.isEmbedded ? html`<input type="hidden" name="back" value="article">` : ''}
      <button type="submit" class="link-button">Delete</button>
    </form>`);
  return html`<li class="comment comment--depth-${node.depth}" id="comment-${comment.id}">
  <article class="comment__box" aria-label="${isDeleted ? 'A deleted comment' : `Comment by ${comment.authorName}`}">
    ${
      isDeleted
        ? html`<p class="comment__deleted">This comment was deleted.</p>`
        : html`<header class="comment__meta"><span class="comment__author"><bdi>${comment.authorName}</bdi></span> · ${when(comment.createdAt, calendar)}${
            comment.editedAt ? html` <span class="comment__edited">(edited)</span>` : ''
          }</header>
    <div class="comment__body" dir="auto">${raw(comment.html)}</div>`
    }
    ${actions.length ? html`<p class="comment__actions">${actions.map((a, i) => html`${i ? ' · ' : ''}${a}`)}</p>` : ''}
  </article>
  ${node.replies.length ? html`<ol class="comments__replies">${node.replies.map((r) => commentItem(r, context))}</ol>` : ''}
  ${node.depth === 1 ? moreRepliesLink(thread, comment.id) : ''}
</li>`;
}

function commentForm(thread: CommentThread, state: CommentsViewState): SafeHtml {
  const base = commentsPath(thread.article.slug);
  if (!thread.isForReader)
    return html`<p class="comments__gated" id="comment-form">The discussion of this article is for readers of the whole article.</p>`;
  if (!thread.isOpen) return html`<p class="comments__closed">Comments on this article are closed.</p>`;
  if (!state.member) {
    // Signed in, the reader comes back to the discussion they were reading, not their account.
    const back = state.isEmbedded ? `${articlePath(thread.article.slug)}#comments` : `${base}#comment-form`;
    const signIn = `${MEMBER_PATHS.signIn}?return=${encodeURIComponent(back)}`;
    return html`<p class="comments__join" id="comment-form"><a href="${signIn}">Sign in</a> or <a href="${MEMBER_PATHS.join}">become a member</a> to join the discussion.</p>`;
  }
  const errors = state.errors ?? {};
  const reply = state.replyTo;
  return html`<form method="post" action="${base}" class="reader-form comments__form" id="comment-form" novalidate>
  <h3 class="comments__form-title">${reply ? html`Reply to ${reply.authorName}` : 'Join the discussion'}</h3>
  ${readerFormErrors(FORM, errors)}
  <input type="hidden" name="_csrf" value="${state.csrfToken}">
  ${state.isEmbedded ? html`<input type="hidden" name="back" value="article">` : ''}
  ${
    reply
      ? html`<input type="hidden" name="parent" value="${reply.id}">
  <p class="comments__replying">Replying to <a href="#comment-${reply.id}">${reply.authorName}’s comment</a> · <a href="${base}#comment-form">Write a new comment instead</a></p>`
      : ''
  }
  ${readerFormField(FORM, {
    name: 'body',
    isRequired: true,
    error: errors.body ?? errors.parent,
    hint:
      'Posting as ' +
      (state.member.name.trim() || 'a member') +
      '. You may use *italic*, **bold**, `code`, > quotes and links.',
    control: (attributes) =>
      html`<textarea ${attributes} rows="6" maxlength="5000">${state.values?.body ?? ''}</textarea>`,
  })}
  <div class="reader-form__field reader-form__field--check">
    <input type="checkbox" id="comment-notify" name="notify" value="1"${state.values?.notify ? html` checked` : ''}>
    <label for="comment-notify">Email me when someone replies</label>
  </div>
  ${honeypotField('comment')}
  <button type="submit">${reply ? 'Post reply' : 'Post comment'}</button>
</form>`;
}

/**
 * An article's comments with the form: the same section on the plain comments page and fetched
 * into the article page (`isEmbedded`).
 */
export function commentsSection(
  thread: CommentThread,
  state: CommentsViewState,
  calendar: Calendar,
): SafeHtml {
  const base = commentsPath(thread.article.slug);
  const other = thread.order === 'oldest' ? 'newest' : 'oldest';
  return html`<section class="comments" id="comments" aria-labelledby="comments-title">
  <h2 id="comments-title">${thread.count === 0 ? 'Comments' : commentCountText(thread.count)}</h2>
  ${state.notice ? html`<p class="comments__notice" role="status">${state.notice}</p>` : ''}
  ${
    thread.ownHeld.length
      ? html`<div class="comments__held"><p>Waiting for an editor, seen only by you:</p><ol class="comments__list">${thread.ownHeld.map(
          (c) =>
            commentItem(
              { comment: c, depth: 1, replies: [] },
              { thread: { ...thread, isOpen: false }, state, calendar },
            ),
        )}</ol></div>`
      : ''
  }
  ${
    !thread.isForReader
      ? ''
      : thread.threads.length
        ? html`${
            thread.focus === undefined
              ? html`<p class="comments__order">Oldest first or newest first: <a href="${base}?order=${other}#comments">show ${other} first</a></p>`
              : html`<p class="comments__order">One thread, replies oldest first: <a href="${base}#comments">all comments</a></p>`
          }
  <ol class="comments__list">${thread.threads.map((node) => commentItem(node, { thread, state, calendar }))}</ol>
  ${pageLinks(thread)}`
        : html`<p class="comments__empty">${thread.pages.previous ? 'No more comments.' : 'No comments yet.'}</p>${pageLinks(thread)}`
  }
  ${commentForm(thread, state)}
</section>`;
}

/** The plain comments page: the article's title and link, then the section. */
export function commentsPageView(
  thread: CommentThread,
  state: CommentsViewState,
  calendar: Calendar,
): SafeHtml {
  return html`<div class="comments-page">
  <p class="comments-page__back"><a href="${thread.article.slug ? `/articles/${encodeURIComponent(thread.article.slug)}` : '/'}">← ${thread.article.title}</a></p>
  <h1>Comments on “${thread.article.title}”</h1>
  ${commentsSection(thread, state, calendar)}
</div>`;
}

/** A member's own comment, to edit within the window. */
export function editCommentView(input: {
  slug: string;
  title: string;
  id: number;
  body: string;
  csrfToken: string;
  errors?: Record<string, string>;
}): SafeHtml {
  const errors = input.errors ?? {};
  const base = commentsPath(input.slug);
  return html`<div class="comments-page">
  <h1>Edit your comment</h1>
  <p>On “<a href="${base}#comment-${input.id}">${input.title}</a>”. A comment can be edited for a few minutes after it is posted.</p>
  <form method="post" action="${base}/${input.id}/edit" class="reader-form" novalidate>
    ${readerFormErrors(FORM, errors)}
    <input type="hidden" name="_csrf" value="${input.csrfToken}">
    ${readerFormField(FORM, {
      name: 'body',
      isRequired: true,
      error: errors.body,
      control: (attributes) =>
        html`<textarea ${attributes} rows="6" maxlength="5000">${input.body}</textarea>`,
    })}
    <button type="submit">Save</button> <a href="${base}#comment-${input.id}">Cancel</a>
  </form>
</div>`;
}
