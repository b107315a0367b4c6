type HTTPMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * The documented REST surface: each route is one root field of the schema. Paths are relative
 * to /api. `status` is the success status; 204 answers with no body.
 */
export interface RestRoute {
  method: HTTPMethod;
  path: string;
  status?: 200 | 201 | 204;
  tag: string;
  summary: string;
}

export const REST_ROUTES: Record<string, RestRoute> = {
  'Mutation.signup': { method: 'POST', path: '/v1/signup', status: 201, tag: 'Auth', summary: 'Create a tenant and its owner' },
  'Mutation.login': { method: 'POST', path: '/auth/login', tag: 'Auth', summary: 'Log in' },
  'Mutation.refresh': { method: 'POST', path: '/auth/refresh', tag: 'Auth', summary: 'Rotate a refresh token' },
  'Mutation.logout': { method: 'POST', path: '/auth/logout', status: 204, tag: 'Auth', summary: 'Revoke a refresh token family' },

  'Query.me': { method: 'GET', path: '/v1/users/me', tag: 'Users', summary: 'The authenticated user' },
  'Mutation.updateMe': { method: 'PUT', path: '/v1/users/me', tag: 'Users', summary: 'Change your name or password' },
  'Query.users': { method: 'GET', path: '/v1/users', tag: 'Users', summary: 'List users (manager)' },
  'Mutation.createUser': { method: 'POST', path: '/v1/users', status: 201, tag: 'Users', summary: 'Create a user (manager)' },
  'Query.user': { method: 'GET', path: '/v1/users/:id', tag: 'Users', summary: 'Get a user (manager, or yourself)' },
  'Mutation.updateUser': { method: 'PUT', path: '/v1/users/:id', tag: 'Users', summary: 'Update a user (manager)' },
  'Mutation.deactivateUser': { method: 'DELETE', path: '/v1/users/:id', status: 204, tag: 'Users', summary: 'Deactivate a user (manager)' },

  'Query.departments': { method: 'GET', path: '/v1/departments', tag: 'Departments', summary: 'List departments' },
  'Mutation.createDepartment': { method: 'POST', path: '/v1/departments', status: 201, tag: 'Departments', summary: 'Create a department (supervisor)' },
  'Query.department': { method: 'GET', path: '/v1/departments/:id', tag: 'Departments', summary: 'Get a department' },
  'Mutation.updateDepartment': { method: 'PUT', path: '/v1/departments/:id', tag: 'Departments', summary: 'Update a department (supervisor)' },
  'Mutation.deleteDepartment': { method: 'DELETE', path: '/v1/departments/:id', status: 204, tag: 'Departments', summary: 'Deactivate a department (supervisor)' },
  'Query.departmentMembers': { method: 'GET', path: '/v1/departments/:id/members', tag: 'Departments', summary: 'List members (supervisor)' },
  'Mutation.addDepartmentMember': { method: 'POST', path: '/v1/departments/:id/members', status: 201, tag: 'Departments', summary: 'Add a member (supervisor)' },
  'Mutation.removeDepartmentMember': { method: 'DELETE', path: '/v1/departments/:id/members/:user_id', status: 204, tag: 'Departments', summary: 'Remove a member (supervisor)' },

  'Query.links': { method: 'GET', path: '/v1/links', tag: 'Access links', summary: 'List access links (supervisor)' },
  'Mutation.createLink': { method: 'POST', path: '/v1/links', status: 201, tag: 'Access links', summary: 'Create an access link (supervisor)' },
  'Query.link': { method: 'GET', path: '/v1/links/:id', tag: 'Access links', summary: 'Get an access link (supervisor)' },
  'Mutation.revokeLink': { method: 'DELETE', path: '/v1/links/:id', status: 204, tag: 'Access links', summary: 'Revoke an access link (supervisor)' },

  'Query.tags': { method: 'GET', path: '/v1/tags', tag: 'Tags', summary: 'List tags' },
  'Mutation.createTag': { method: 'POST', path: '/v1/tags', status: 201, tag: 'Tags', summary: 'Create a tag' },
  'Query.tag': { method: 'GET', path: '/v1/tags/:id', tag: 'Tags', summary: 'Get a tag' },
  'Mutation.updateTag': { method: 'PUT', path: '/v1/tags/:id', tag: 'Tags', summary: 'Update a tag' },
  'Mutation.deleteTag': { method: 'DELETE', path: '/v1/tags/:id', status: 204, tag: 'Tags', summary: 'Delete a tag' },

  'Query.company': { method: 'GET', path: '/v1/company', tag: 'Company', summary: 'Company settings (manager)' },
  'Mutation.updateCompany': { method: 'PUT', path: '/v1/company', tag: 'Company', summary: 'Update company settings (manager; features: owner)' },
};

/** Path prefixes the REST door owns; everything else under them that matches no route is a JSON 404. */
export const REST_PREFIXES = ['/api/v1/', '/api/auth/'];
