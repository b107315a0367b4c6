import { GraphQLError, buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { snakeKeys, snakePath, toCamel, toSnake } from '../../src/rest-compat/case';
import { buildVariables } from '../../src/rest-compat/variables';
import { errorBody } from '../../src/rest-compat/respond';
import { appErrorFrom } from '../../src/schema/errors';
import { AppError, toAppError } from '../../src/errors';

describe('case conversion', () => {
  it('round-trips keys and converts nested data and field paths', () => {
    expect(toSnake('departmentIds')).toBe('department_ids');
    expect(toCamel('ai_summaries')).toBe('aiSummaries');
    expect(snakeKeys({ pageSize: 1, data: [{ insertedAt: 'x', features: { aiSummaries: true } }] })).toEqual({
      page_size: 1, data: [{ inserted_at: 'x', features: { ai_summaries: true } }],
    });
    expect(snakePath('features.aiSummaries')).toBe('features.ai_summaries');
  });
});

describe('buildVariables', () => {
  const schema = buildSchema(`
    input TagInput { name: String!, colorCode: String }
    type Query { tags(page: Int, pageSize: Int, active: Boolean): Int }
    type Mutation { updateTag(id: ID!, tag: TagInput!): Int }
  `);
  const op = (source: string) => parse(source).definitions[0] as OperationDefinitionNode;
  const update = op('mutation($id: ID!, $tag: TagInput!) { updateTag(id: $id, tag: $tag) }');
  const list = op('query($page: Int, $pageSize: Int, $active: Boolean) { tags(page: $page, pageSize: $pageSize, active: $active) }');

  it('takes the wrapped and the flat body alike, camelizing and dropping unknown keys', () => {
    const wrapped = buildVariables(schema, update, { params: { id: 'x' }, query: {}, body: { tag: { name: 'a', color_code: '#fff', evil: 1 } } });
    const flat = buildVariables(schema, update, { params: { id: 'x' }, query: {}, body: { name: 'a', color_code: '#fff', evil: 1 } });
    expect(wrapped).toEqual({ id: 'x', tag: { name: 'a', colorCode: '#fff' } });
    expect(flat).toEqual(wrapped);
  });

  it('reads numbers and booleans from snake_case query strings, leaving garbage for GraphQL to reject', () => {
    expect(buildVariables(schema, list, { params: {}, query: { page: '2', page_size: '50', active: 'false' }, body: undefined }))
      .toEqual({ page: 2, pageSize: 50, active: false });
    expect(buildVariables(schema, list, { params: {}, query: { page_size: 'ten' }, body: undefined })).toEqual({ pageSize: 'ten' });
  });

  it('refuses a body that is not an object with a 422', () => {
    expect(() => buildVariables(schema, update, { params: { id: 'x' }, query: {}, body: [1] })).toThrow(expect.objectContaining({ status: 422 }));
  });
});

describe('error normalization', () => {
  it('reads graphql-js variable coercion messages into field errors', () => {
    const cases: Array<[string, Record<string, string[]>]> = [
      ['Variable "$tag" got invalid value {}; Field "name" of required type "String!" was not provided.', { name: ["can't be blank"] }],
      ['Variable "$tag" got invalid value 5 at "tag.name"; String cannot represent a non string value: 5', { name: ['must be a string'] }],
      ['Variable "$pageSize" got invalid value "x"; Int cannot represent non-integer value: "x"', { pageSize: ['must be an integer'] }],
      ['Variable "$id" of required type "ID!" was not provided.', { id: ["can't be blank"] }],
    ];
    for (const [message, fields] of cases) {
      const error = appErrorFrom(new GraphQLError(message));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.fields).toEqual(fields);
    }
  });

  it('keeps AppErrors, hides unknown errors as a bare 500, and maps a lost database to 503', () => {
    const notFound = new AppError('NOT_FOUND', 'Tag not found');
    expect(appErrorFrom(new GraphQLError('x', { originalError: notFound }))).toBe(notFound);
    const bug = appErrorFrom(new GraphQLError('x', { originalError: new TypeError('secret internals') }));
    expect(errorBody(bug)).toEqual({ status: 500, body: { errors: { detail: 'Internal server error' } }, headers: {} });
    expect(toAppError(Object.assign(new Error('gone'), { code: '57P01' })).status).toBe(503);
    // Values the database refuses are the client's to fix; only a lost connection is 503.
    expect(toAppError(Object.assign(new Error('x'), { code: '23505' })).status).toBe(409);
    expect(toAppError(Object.assign(new Error('x'), { code: '22021' })).status).toBe(422);
    expect(toAppError(Object.assign(new Error('invalid message format'), { code: '08P01' })).status).toBe(422);
    expect(toAppError(Object.assign(new Error('x'), { code: '54000' })).status).toBe(413);
    expect(toAppError(Object.assign(new Error('x'), { code: '08006' })).status).toBe(503);
    expect(toAppError(Object.assign(new Error('x'), { code: '42601' })).status).toBe(500);
  });

  it('renders 422 field errors in snake_case and sets Retry-After when known', () => {
    expect(errorBody(new AppError('BAD_USER_INPUT', 'v', { departmentIds: ['bad'] })).body).toEqual({ errors: { department_ids: ['bad'] } });
    expect(errorBody(new AppError('SERVICE_UNAVAILABLE', undefined, undefined, 5)).headers).toEqual({ 'Retry-After': '5' });
  });
});
