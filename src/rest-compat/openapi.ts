import {
  getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputField, type GraphQLNamedType, type GraphQLSchema, type GraphQLType,
} from 'graphql';
import { REST_ROUTES } from './routes';
import { toSnake } from './case';

type JsonSchema = Record<string, unknown>;

const SCALARS: Record<string, JsonSchema> = {
  ID: { type: 'string', format: 'uuid' },
  String: { type: 'string' },
  Int: { type: 'integer' },
  Float: { type: 'number' },
  Boolean: { type: 'boolean' },
  DateTime: { type: 'string', format: 'date-time', example: '2026-02-15T14:30:00Z' },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A GraphQL type as JSON schema, as the REST door shows it: snake_case keys, nulls where nullable. */
function typeSchema(type: GraphQLType, components: Record<string, JsonSchema>): JsonSchema {
  if (isNonNullType(type)) return typeSchema(type.ofType, components);
  if (isListType(type)) return { type: 'array', items: typeSchema(type.ofType, components) };
  const named = type as GraphQLNamedType;
  if (isScalarType(named)) return SCALARS[named.name] ?? { type: 'string' };
  if (isEnumType(named)) return { type: 'string', enum: named.getValues().map((v) => v.value) };
  addComponent(named, components);
  return ref(named.name);
}

function addComponent(type: GraphQLNamedType, components: Record<string, JsonSchema>) {
  if (components[type.name] || !(isObjectType(type) || isInputObjectType(type))) return;
  components[type.name] = {};
  const fields = Object.values(type.getFields()) as (GraphQLField<unknown, unknown> | GraphQLInputField)[];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const field of fields) {
    const schema = typeSchema(field.type, components);
    properties[toSnake(field.name)] = isNonNullType(field.type) ? schema : { ...schema, nullable: true };
    if (isNonNullType(field.type)) required.push(toSnake(field.name));
  }
  components[type.name] = {
    type: 'object', properties, ...(required.length ? { required } : {}),
    ...(type.description ? { description: type.description } : {}),
  };
}

const ERROR_RESPONSES = {
  '400': { description: 'Malformed JSON or missing X-Tenant', content: { 'application/json': { schema: ref('Error') } } },
  '401': { description: 'Missing, invalid or expired token', content: { 'application/json': { schema: ref('Error') } } },
  '403': { description: 'Role too low, or X-Tenant not the token\'s tenant', content: { 'application/json': { schema: ref('Error') } } },
  '404': { description: 'Unknown or malformed id, or another tenant\'s object', content: { 'application/json': { schema: ref('Error') } } },
  '413': { description: 'Body over the limit', content: { 'application/json': { schema: ref('Error') } } },
  '422': { description: 'Field validation', content: { 'application/json': { schema: ref('ValidationError') } } },
};

/** Builds the OpenAPI 3.0 document of the documented REST routes from the one schema. */
export function buildOpenApi(schema: GraphQLSchema, serverUrl = '/'): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {
    Error: { type: 'object', required: ['errors'], properties: { errors: { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } } } } },
    ValidationError: {
      type: 'object', required: ['errors'],
      properties: { errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
      example: { errors: { email: ["can't be blank"], password: ['must be at least 8 characters'] } },
    },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, route] of Object.entries(REST_ROUTES)) {
    const [root, fieldName] = key.split('.');
    const rootType = root === 'Query' ? schema.getQueryType() : schema.getMutationType();
    const field = rootType?.getFields()[fieldName];
    if (!field) continue;
    const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const parameters: unknown[] = pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    let requestBody: unknown;
    const bodyProps: Record<string, JsonSchema> = {};
    for (const arg of field.args as GraphQLArgument[]) {
      const snake = toSnake(arg.name);
      if (pathParams.includes(snake) || pathParams.includes(arg.name)) continue;
      const named = getNamedType(arg.type);
      if (isInputObjectType(named)) {
        const schemaRef = typeSchema(named, components);
        requestBody = {
          required: true,
          description: arg.name === 'input' ? undefined : `Either the fields themselves or wrapped as {"${arg.name}": {...}}`,
          content: { 'application/json': { schema: arg.name === 'input' ? schemaRef : { oneOf: [schemaRef, { type: 'object', required: [arg.name], properties: { [arg.name]: schemaRef } }] } } },
        };
      } else if (route.method === 'GET' || route.method === 'DELETE') {
        parameters.push({ name: snake, in: 'query', required: false, schema: typeSchema(arg.type, components), description: arg.description ?? undefined });
      } else {
        bodyProps[snake] = typeSchema(arg.type, components);
      }
    }
    if (!requestBody && Object.keys(bodyProps).length) {
      requestBody = { required: true, content: { 'application/json': { schema: { type: 'object', properties: bodyProps } } } };
    }
    const status = String(route.status ?? 200);
    const value = typeSchema(field.type, components);
    const named = getNamedType(field.type);
    const isPage = isObjectType(named) && 'data' in named.getFields() && 'meta' in named.getFields();
    const success = status === '204'
      ? { description: 'No content' }
      : { description: 'Success', content: { 'application/json': { schema: isPage ? value : { type: 'object', required: ['data'], properties: { data: value } } } } };
    const publicRoute = !!route.public;
    const openPath = `/api${route.path.replace(/:(\w+)/g, '{$1}')}`;
    paths[openPath] ??= {};
    paths[openPath][route.method.toLowerCase()] = {
      operationId: fieldName,
      tags: [route.tag],
      summary: route.summary,
      ...(field.description ? { description: field.description } : {}),
      ...(publicRoute ? { security: [] } : {}),
      parameters: publicRoute ? parameters : [...parameters, { $ref: '#/components/parameters/Tenant' }],
      ...(requestBody ? { requestBody } : {}),
      responses: { [status]: success, ...ERROR_RESPONSES },
    };
  }
  Object.assign(paths, plainRoutes());
  return {
    openapi: '3.0.3',
    info: { title: 'Voki API', version: '4.0', description: 'REST API of Voki. Lists answer {data, meta}; objects {data}; errors {errors}.' },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      parameters: { Tenant: { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' }, description: 'The tenant slug' } },
    },
  };
}

/** The routes served outside sofa (multipart and downloads), described by hand. */
function plainRoutes(): Record<string, Record<string, unknown>> {
  const errors = { '401': ERROR_RESPONSES['401'], '403': ERROR_RESPONSES['403'], '404': ERROR_RESPONSES['404'] };
  const tenant = { $ref: '#/components/parameters/Tenant' };
  const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
  return {
    '/api/v1/calls/{call_id}/upload': {
      post: {
        operationId: 'uploadCallFile', tags: ['Calls'], summary: 'Upload a file to a call (multipart field "file")',
        parameters: [path('call_id'), tenant],
        requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } } } },
        responses: {
          '201': { description: 'Stored', content: { 'application/json': { schema: { type: 'object', properties: { data: ref('CallFileInfo') } } } } },
          ...errors, '413': ERROR_RESPONSES['413'], '422': ERROR_RESPONSES['422'],
        },
      },
    },
    '/api/v1/calls/{call_id}/files/{file_id}': {
      get: {
        operationId: 'downloadCallFile', tags: ['Calls'], summary: 'Download a file (Content-Disposition: attachment)',
        parameters: [path('call_id'), path('file_id'), tenant],
        responses: { '200': { description: 'The file', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errors },
      },
    },
    '/api/v1/calls/{id}/recording': {
      get: {
        operationId: 'callRecording', tags: ['Calls'], summary: 'The call recording; Range requests supported',
        parameters: [path('id'), tenant],
        responses: {
          '200': { description: 'The recording', content: { 'video/webm': { schema: { type: 'string', format: 'binary' } } } },
          '206': { description: 'Part of the recording' }, ...errors,
        },
      },
    },
    '/api/v1/calls/export': {
      get: {
        operationId: 'exportCalls', tags: ['Calls'], summary: 'The filtered call list as CSV (supervisor)',
        parameters: [...['status', 'department_id', 'user_id', 'date_from', 'date_to', 'search'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })), tenant],
        responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors, '422': ERROR_RESPONSES['422'] },
      },
    },
  };
}
