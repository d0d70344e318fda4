import Type from 'typebox';
import { suggestPeople, suggestTerms } from '../../services/newsroom/pickers.ts';
import { OptionalText, type TypedApp } from '../schemas.ts';
import type { AdminDeps } from './deps.ts';
import { currentUser } from './guard.ts';

const SuggestQuery = Type.Object({ q: OptionalText, taxonomy: OptionalText });
const Suggestions = Type.Object({
  suggestions: Type.Array(Type.Object({ value: Type.String(), label: Type.String() })),
});

/** Suggestions for the type-ahead pickers (authors, terms): JSON, a few names at a time. */
export async function pickerRoutes(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;
  const route = {
    config: { access: 'article.create' as const },
    schema: { querystring: SuggestQuery, response: { 200: Suggestions } },
  };
  app.get('/suggest/people', route, async (request, reply) =>
    reply.header('cache-control', 'no-store').send({
      suggestions: await suggestPeople(ctx, currentUser(request), request.query.q ?? ''),
    }),
  );
  app.get('/suggest/terms', route, async (request, reply) => {
    const { q, taxonomy } = request.query;
    return reply.header('cache-control', 'no-store').send({
      suggestions: await suggestTerms(ctx, currentUser(request), q ?? '', taxonomy ? { taxonomy } : {}),
    });
  });
}
