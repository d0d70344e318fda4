import { Readable } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type MemberTier, parseMemberListQuery } from '../../domain/member-admin.ts';
import { Errors, isAppError } from '../../errors.ts';
import { exportMembers, importMembers } from '../../services/members-admin/csv.ts';
import {
  changeMemberTier,
  deleteMember,
  listMembersPage,
  loadMember,
  requireMemberAdmin,
  setMemberBanned,
} from '../../services/members-admin/members.ts';
import {
  listMemberTiers,
  loadMemberTier,
  moveMemberTier,
  saveMemberTier,
  setMemberTierActive,
} from '../../services/members-admin/tiers.ts';
import { guardBody } from '../input-guard.ts';
import { IdParams, NoticeQuery, OptionalText, type TypedApp } from '../schemas.ts';
import { csvCell } from '../views/csv.ts';
import {
  memberDeleteView,
  memberImportReportView,
  memberImportView,
  membersListView,
  memberTierFormView,
  memberTiersView,
  memberView,
} from '../views/newsroom/members.ts';
import { noticeIn } from '../views/notices.ts';
import type { AdminDeps } from './deps.ts';
import { type FieldErrors, fieldErrorsOf, formRoute, listFilterProblems, stringValues } from './forms.ts';
import { currentUser } from './guard.ts';
import { refuseMalformedUpload } from './uploaded-file.ts';

/** The largest CSV an import reads: about 100,000 members. The file is held in memory up to this. */
export const MAX_MEMBER_CSV_BYTES = 10 * 1024 * 1024;

const MembersQuery = Type.Object({
  notice: OptionalText,
  q: OptionalText,
  status: OptionalText,
  tier: OptionalText,
  mark: OptionalText,
  after: OptionalText,
});

const MEMBER_NOTICES: Record<string, string> = {
  deleted: 'Member deleted, with their sessions and links.',
  tier: 'Tier changed.',
  banned: 'Member banned.',
  unbanned: 'Ban lifted.',
  saved: 'Saved.',
  moved: 'Order changed.',
  deactivated: 'Tier deactivated: it takes no new members; those in it keep it.',
  activated: 'Tier active again.',
};

const TierChoiceForm = Type.Object({ tier: OptionalText });
const BanForm = Type.Object({ banned: Type.Union([Type.Literal('0'), Type.Literal('1')]) });
const EmptyForm = Type.Object({});
const TierForm = Type.Object({
  name: OptionalText,
  slug: OptionalText,
  description: OptionalText,
  isPaid: OptionalText,
  priceLabel: OptionalText,
});
const MoveForm = Type.Object({ direction: Type.Union([Type.Literal('up'), Type.Literal('down')]) });
const ActiveForm = Type.Object({ active: Type.Union([Type.Literal('0'), Type.Literal('1')]) });
const ImportForm = Type.Object({ file: Type.Optional(Type.Any()) });

function tierInputOf(body: Type.Static<typeof TierForm>) {
  return {
    name: body.name ?? '',
    slug: body.slug ?? '',
    description: body.description ?? '',
    isPaid: body.isPaid === '1',
    priceLabel: body.priceLabel ?? '',
  };
}

function tierValuesOf(tier: MemberTier): Record<string, string> {
  return {
    name: tier.name,
    slug: tier.slug,
    description: tier.description,
    isPaid: tier.isPaid ? '1' : '0',
    priceLabel: tier.priceLabel ?? '',
  };
}

/**
 * Members (admins only: their details are personal data): the list with its search and filters,
 * CSV export and import, one member's tier, ban and deletion, and the membership tiers.
 */
export async function memberPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;
  const access = { access: 'member.manage' } as const;

  app.get(
    '/members',
    { config: { ...access, listQuery: true }, schema: { querystring: MembersQuery } },
    async (request, reply) => {
      const { filters, errors } = parseMemberListQuery(request.query);
      const problems = listFilterProblems(errors, request.query);
      const staff = currentUser(request);
      const [page, tiers] = await Promise.all([
        listMembersPage(ctx, staff, filters),
        ctx.store.memberAdmin.tiers(),
      ]);
      return deps.page(request, reply, {
        title: 'Members',
        status: problems ? 400 : 200,
        notice: problems ? undefined : noticeIn(MEMBER_NOTICES, request.query.notice),
        body: membersListView({ filters, problems, tiers, ...page }),
      });
    },
  );

  app.get(
    '/members.csv',
    { config: { ...access, listQuery: true }, schema: { querystring: MembersQuery } },
    async (request, reply) => {
      const { filters, errors } = parseMemberListQuery(request.query);
      const problems = listFilterProblems(errors, request.query);
      if (problems) {
        throw Errors.VALIDATION_FAILED({
          details: Object.entries(problems.errors).map(([field, message]) => ({ field, message })),
        });
      }
      const { afterId: _page, ...conditions } = filters;
      const rows = await exportMembers(ctx, currentUser(request), conditions);
      const day = ctx.now().toISOString().slice(0, 10);
      // Streamed a row at a time: the export of 100,000 members never sits in memory whole.
      const lines = Readable.from(
        (async function* csvLines() {
          for await (const row of rows) yield `${row.map(csvCell).join(',')}\r\n`;
        })(),
      );
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="members-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(lines);
    },
  );

  const sendMember = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: { notice?: string | undefined; tierError?: string; status?: number } = {},
  ) => {
    const staff = currentUser(request);
    const [member, tiers] = await Promise.all([loadMember(ctx, staff, id), ctx.store.memberAdmin.tiers()]);
    return deps.page(request, reply, {
      title: member.email,
      status: state.status ?? 200,
      notice: noticeIn(MEMBER_NOTICES, state.notice),
      body: (csrf) => memberView({ member, tiers, tierError: state.tierError }, csrf),
    });
  };

  app.get('/members/import', { config: access }, async (request, reply) => {
    requireMemberAdmin(currentUser(request));
    return deps.page(request, reply, { title: 'Import members', body: (csrf) => memberImportView({}, csrf) });
  });

  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_MEMBER_CSV_BYTES, files: 1, fields: 5 },
    });
    scope.setErrorHandler(refuseMalformedUpload);
    // The fields arrive in the body in the multipart plugin's own hook, after the input guard's.
    scope.addHook('preValidation', async (request) => guardBody(request));
    scope
      .withTypeProvider<TypeBoxTypeProvider>()
      .post(
        '/members/import',
        { config: access, bodyLimit: MAX_MEMBER_CSV_BYTES + 1024 * 1024, schema: { body: ImportForm } },
        async (request, reply) => {
          const staff = currentUser(request);
          const file: unknown = request.body.file;
          const refuse = (message: string) =>
            deps.page(request, reply, {
              title: 'Import members',
              status: 400,
              body: (csrf) => memberImportView({ error: message }, csrf),
            });
          if (!Buffer.isBuffer(file) || file.length === 0) return refuse('Choose a CSV file to import.');
          try {
            const report = await importMembers(ctx, staff, Readable.from([file]));
            return deps.page(request, reply, {
              title: 'Import members',
              body: memberImportReportView(report),
            });
          } catch (error) {
            const problem = fieldErrorsOf(error);
            if (!problem || !isAppError(error)) throw error;
            return refuse(Object.values(problem.errors).join(' ') || problem.message);
          }
        },
      );
  });

  app.get(
    '/members/tiers',
    { config: access, schema: { querystring: NoticeQuery } },
    async (request, reply) => {
      const tiers = await listMemberTiers(ctx, currentUser(request));
      return deps.page(request, reply, {
        title: 'Membership tiers',
        notice: noticeIn(MEMBER_NOTICES, request.query.notice),
        body: (csrf) => memberTiersView({ tiers }, csrf),
      });
    },
  );

  const tierForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      tier?: MemberTier;
      values: Record<string, string>;
      errors?: FieldErrors;
      status?: number;
      notice?: string | undefined;
    },
  ) =>
    deps.page(request, reply, {
      title: state.tier ? `Tier: ${state.tier.name}` : 'New tier',
      status: state.status ?? 200,
      notice: state.errors ? undefined : noticeIn(MEMBER_NOTICES, state.notice),
      body: (csrf) => memberTierFormView(state, csrf),
    });

  app.get('/members/tiers/new', { config: access }, async (request, reply) => {
    requireMemberAdmin(currentUser(request));
    return tierForm(request, reply, { values: { isPaid: '0' } });
  });

  formRoute(
    app,
    '/members/tiers',
    { config: access, schema: { body: TierForm } },
    async (request, reply) => {
      await saveMemberTier(ctx, currentUser(request), tierInputOf(request.body));
      return reply.redirect('/admin/members/tiers?notice=saved', 303);
    },
    async (request, reply, problem) =>
      tierForm(request, reply, {
        values: stringValues(request.body),
        errors: problem.errors,
        status: problem.status,
      }),
  );

  app.get(
    '/members/tiers/:id',
    { config: access, schema: { params: IdParams, querystring: NoticeQuery } },
    async (request, reply) => {
      const tier = await loadMemberTier(ctx, currentUser(request), request.params.id);
      return tierForm(request, reply, { tier, values: tierValuesOf(tier), notice: request.query.notice });
    },
  );

  formRoute(
    app,
    '/members/tiers/:id',
    { config: access, schema: { params: IdParams, body: TierForm } },
    async (request, reply) => {
      await saveMemberTier(ctx, currentUser(request), {
        ...tierInputOf(request.body),
        id: request.params.id,
      });
      return reply.redirect(`/admin/members/tiers/${request.params.id}?notice=saved`, 303);
    },
    async (request, reply, problem) => {
      const tier = await loadMemberTier(ctx, currentUser(request), request.params.id);
      return tierForm(request, reply, {
        tier,
        values: stringValues(request.body),
        errors: problem.errors,
        status: problem.status,
      });
    },
  );

  app.post(
    '/members/tiers/:id/move',
    { config: access, schema: { params: IdParams, body: MoveForm } },
    async (request, reply) => {
      await moveMemberTier(ctx, currentUser(request), {
        id: request.params.id,
        direction: request.body.direction,
      });
      return reply.redirect('/admin/members/tiers?notice=moved', 303);
    },
  );

  app.post(
    '/members/tiers/:id/active',
    { config: access, schema: { params: IdParams, body: ActiveForm } },
    async (request, reply) => {
      const isActive = request.body.active === '1';
      await setMemberTierActive(ctx, currentUser(request), { id: request.params.id, isActive });
      return reply.redirect(`/admin/members/tiers?notice=${isActive ? 'activated' : 'deactivated'}`, 303);
    },
  );

  app.get(
    '/members/:id',
    { config: access, schema: { params: IdParams, querystring: NoticeQuery } },
    async (request, reply) => sendMember(request, reply, request.params.id, { notice: request.query.notice }),
  );

  formRoute(
    app,
    '/members/:id/tier',
    { config: access, schema: { params: IdParams, body: TierChoiceForm } },
    async (request, reply) => {
      const chosen = request.body.tier?.trim() ?? '';
      const tierId = chosen === '' ? null : /^\d{1,9}$/.test(chosen) ? Number(chosen) : -1;
      if (tierId === -1)
        throw Errors.VALIDATION_FAILED({ details: [{ field: 'tier', message: 'is not one of the tiers' }] });
      await changeMemberTier(ctx, currentUser(request), { memberId: request.params.id, tierId });
      return reply.redirect(`/admin/members/${request.params.id}?notice=tier`, 303);
    },
    async (request, reply, problem) =>
      sendMember(request, reply, request.params.id, {
        tierError: problem.errors.tier ?? problem.message,
        status: problem.status,
      }),
  );

  app.post(
    '/members/:id/ban',
    { config: access, schema: { params: IdParams, body: BanForm } },
    async (request, reply) => {
      const isBanned = request.body.banned === '1';
      await setMemberBanned(ctx, currentUser(request), { memberId: request.params.id, isBanned });
      return reply.redirect(
        `/admin/members/${request.params.id}?notice=${isBanned ? 'banned' : 'unbanned'}`,
        303,
      );
    },
  );

  app.get('/members/:id/delete', { config: access, schema: { params: IdParams } }, async (request, reply) => {
    const member = await loadMember(ctx, currentUser(request), request.params.id);
    return deps.page(request, reply, {
      title: `Delete: ${member.email}`,
      body: (csrf) => memberDeleteView(member, csrf),
    });
  });

  app.post(
    '/members/:id/delete',
    { config: access, schema: { params: IdParams, body: EmptyForm } },
    async (request, reply) => {
      await deleteMember(ctx, currentUser(request), request.params.id);
      return reply.redirect('/admin/members?notice=deleted', 303);
    },
  );
}
