import type {
  Compilable,
  CompiledQuery,
  DialectAdapter,
  QueryExecutor,
  QueryResult,
  RawBuilder,
} from 'kysely';

/**
 * Queries built and compiled once per shape, then run again with other values.
 *
 * Kysely builds every query anew: it makes the query's node tree, freezes each node and walks
 * the tree to write the SQL. For the small queries of a reader page that costs more than SQLite
 * takes to run them (a tenth of an uncached article page's instructions went to it). The hot
 * reader queries are built once here with stand-ins for their values; later runs send the SQL
 * already written, with the values in the stand-ins' places.
 *
 * What `build` makes of its values must not depend on them: a value may only be bound as a
 * parameter (compared, inserted), never looked at. A list is a shape of its own per length,
 * so `run` takes the lengths as part of the key.
 */

/** What runs the queries: a Kysely instance or a transaction, over any schema. */
interface Runner {
  getExecutor(): QueryExecutor;
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** A stand-in for the value at `index`: no value of ours looks like it. */
const STAND_IN = '\u0000compiled-query-value:';
const standIn = (index: number) => `${STAND_IN}${index}`;
/** The index a parameter stands in for, or -1 for a constant of the query. */
const standInIndex = (parameter: unknown) =>
  typeof parameter === 'string' && parameter.startsWith(STAND_IN)
    ? Number(parameter.slice(STAND_IN.length))
    : -1;

interface Shape {
  query: CompiledQuery;
  /** For each parameter of `query`: the index of the value it takes, or -1 for a constant. */
  sources: number[];
}

/** Compiled shapes per dialect adapter (SQLite and PostgreSQL write different SQL). */
const shapesByAdapter = new WeakMap<DialectAdapter, Map<string, Shape>>();

/** The most shapes kept per dialect: far more than the reader's queries, times list lengths. */
const MAX_SHAPES = 1000;
/** Longer lists are built as usual: a page shows a few dozen items, and long SQL is not kept. */
const MAX_VALUES = 64;

/** A query builder's query, or raw SQL (`sql` templates), which compiles with the runner. */
type Buildable<Row> = Compilable<Row> | RawBuilder<Row>;

function compiled<Row>(db: Runner, built: Buildable<Row>): CompiledQuery<Row> {
  return 'isRawBuilder' in built ? built.compile(db) : built.compile();
}

function shapeOf(db: Runner, key: string, build: (values: unknown[]) => Buildable<unknown>, count: number) {
  const executor = db.getExecutor();
  let shapes = shapesByAdapter.get(executor.adapter);
  if (!shapes) {
    shapes = new Map();
    shapesByAdapter.set(executor.adapter, shapes);
  }
  // A plugin (camel case, say) rewrites what the builder made: its queries are a shape apart.
  const fullKey =
    executor.plugins.length === 0 ? key : `${executor.plugins.map((p) => p.constructor.name)}|${key}`;
  let shape = shapes.get(fullKey);
  if (!shape) {
    const query = compiled(db, build(Array.from({ length: count }, (_, i) => standIn(i))));
    const sources = query.parameters.map(standInIndex);
    const used = new Set(sources.filter((s) => s >= 0));
    if (used.size !== count)
      throw new Error(`compiled query ${key}: ${count} values given, ${used.size} bound as parameters`);
    shape = { query, sources };
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value as string);
    shapes.set(fullKey, shape);
  }
  return shape;
}

/**
 * Runs the query `build` makes of `values`, built and compiled only the first time a query
 * of this `key` and number of values runs on this kind of database. `key` names the query's
 * shape: the same key must always build the same query.
 */
export async function runCompiled<Row>(
  db: Runner,
  key: string,
  values: readonly unknown[],
  build: (values: unknown[]) => Buildable<Row>,
): Promise<Row[]> {
  if (values.length > MAX_VALUES)
    return (await db.executeQuery(compiled(db, build([...values])))).rows as Row[];
  const shape = shapeOf(db, `${key}/${values.length}`, build, values.length);
  const parameters = shape.sources.map((source, i) =>
    source >= 0 ? values[source] : shape.query.parameters[i],
  );
  const result = await db.executeQuery<Row>({ ...shape.query, parameters } as CompiledQuery<Row>);
  return result.rows as Row[];
}
