type HTTPMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * The documented REST surface: each route is one root field of the schema. Paths are relative
 * to /api. `status` is the success status; 204 answers with no body.
 */
export interface RestRoute {
  method: HTTPMethod;
  path: string;
  status?: 200 | 201 | 202 | 204;
  tag: string;
  summary: string;
  /** No token needed (rate-limited per IP instead). */
  public?: true;
}

export const REST_ROUTES: Record<string, RestRoute> = {
  'Mutation.signup': { public: true, method: 'POST', path: '/v1/signup', status: 201, tag: 'Auth', summary: 'Create a tenant and its owner' },
  'Mutation.login': { public: true, method: 'POST', path: '/auth/login', tag: 'Auth', summary: 'Log in' },
  'Mutation.refresh': { public: true, method: 'POST', path: '/auth/refresh', tag: 'Auth', summary: 'Rotate a refresh token' },
  'Mutation.logout': { public: true, method: 'POST', path: '/auth/logout', status: 204, tag: 'Auth', summary: 'Revoke a refresh token family' },

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

  'Query.validateLink': { public: true, method: 'GET', path: '/v1/call/:token/validate', tag: 'Widget', summary: 'Validate an access link' },
  'Mutation.joinQueue': { public: true, method: 'POST', path: '/v1/call/:token/join', tag: 'Widget', summary: 'Join the service queue' },
  'Query.callStatus': { public: true, method: 'GET', path: '/v1/call/status/:call_id', tag: 'Widget', summary: 'Check call status' },
  'Mutation.cancelCall': { public: true, method: 'POST', path: '/v1/call/cancel/:call_id', tag: 'Widget', summary: 'Leave the queue' },
  'Mutation.evaluateCall': { public: true, method: 'POST', path: '/v1/call/evaluate/:call_id', tag: 'Widget', summary: 'Rate the call' },
  'Query.publicTurnCredentials': { public: true, method: 'GET', path: '/v1/call/turn-credentials', tag: 'Widget', summary: 'TURN credentials for customers' },
  'Query.turnCredentials': { method: 'GET', path: '/v1/turn/credentials', tag: 'Calls', summary: 'TURN credentials for agents' },

  'Query.calls': { method: 'GET', path: '/v1/calls', tag: 'Calls', summary: 'List calls' },
  'Query.customers': { method: 'GET', path: '/v1/customers', tag: 'Customers', summary: 'List customers' },
  'Query.analyticsDashboard': { method: 'GET', path: '/v1/analytics/dashboard', tag: 'Analytics', summary: 'The dashboard (manager)' },
  'Query.auditLog': { method: 'GET', path: '/v1/audit-log', tag: 'Audit', summary: 'The audit log (manager)' },
  'Query.webhooks': { method: 'GET', path: '/v1/webhooks', tag: 'Webhooks', summary: 'List webhooks (manager)' },
  'Mutation.createWebhook': { method: 'POST', path: '/v1/webhooks', status: 201, tag: 'Webhooks', summary: 'Create a webhook; the answer carries its secret' },
  'Query.webhook': { method: 'GET', path: '/v1/webhooks/:id', tag: 'Webhooks', summary: 'Get a webhook' },
  'Mutation.updateWebhook': { method: 'PUT', path: '/v1/webhooks/:id', tag: 'Webhooks', summary: 'Update a webhook' },
  'Mutation.deleteWebhook': { method: 'DELETE', path: '/v1/webhooks/:id', status: 204, tag: 'Webhooks', summary: 'Delete a webhook' },
  'Mutation.rotateWebhookSecret': { method: 'POST', path: '/v1/webhooks/:id/rotate-secret', tag: 'Webhooks', summary: 'Rotate the signing secret' },
  'Query.webhookDeliveries': { method: 'GET', path: '/v1/webhooks/:id/deliveries', tag: 'Webhooks', summary: 'Deliveries of a webhook' },
  'Mutation.retryWebhookDelivery': { method: 'POST', path: '/v1/webhooks/:id/deliveries/:delivery_id/retry', status: 202, tag: 'Webhooks', summary: 'Retry a delivery now' },
  'Query.customer': { method: 'GET', path: '/v1/customers/:id', tag: 'Customers', summary: 'Customer details with their calls' },
  'Query.call': { method: 'GET', path: '/v1/calls/:id', tag: 'Calls', summary: 'Call details' },
  'Mutation.assignCall': { method: 'POST', path: '/v1/calls/:id/assign', tag: 'Calls', summary: 'Assign a queued call (default: to you)' },
  'Mutation.startCall': { method: 'POST', path: '/v1/calls/:id/start', tag: 'Calls', summary: 'Start an assigned call' },
  'Mutation.completeCall': { method: 'POST', path: '/v1/calls/:id/complete', tag: 'Calls', summary: 'Complete an active call' },
  'Query.callTags': { method: 'GET', path: '/v1/calls/:call_id/tags', tag: 'Calls', summary: 'Tags of a call' },
  'Mutation.addCallTag': { method: 'POST', path: '/v1/calls/:call_id/tags', status: 201, tag: 'Calls', summary: 'Add a tag to a call' },
  'Mutation.removeCallTag': { method: 'DELETE', path: '/v1/calls/:call_id/tags/:tag_id', status: 204, tag: 'Calls', summary: 'Remove a tag from a call' },
  'Query.callFiles': { method: 'GET', path: '/v1/calls/:call_id/files', tag: 'Calls', summary: 'Files of a call; each url downloads it' },
  'Query.callTranscript': { method: 'GET', path: '/v1/calls/:call_id/transcript', tag: 'Calls', summary: 'Call transcript (plan feature transcription)' },
  'Query.callSummary': { method: 'GET', path: '/v1/calls/:call_id/summary', tag: 'Calls', summary: 'AI call summary (plan feature ai_summaries)' },
  'Mutation.monitorCall': { method: 'POST', path: '/v1/calls/:id/monitor', tag: 'Calls', summary: 'Monitor an active call (supervisor)' },
  'Mutation.whisperCall': { method: 'POST', path: '/v1/calls/:id/whisper', tag: 'Calls', summary: 'Whisper to the agent (supervisor)' },
  'Mutation.bargeCall': { method: 'POST', path: '/v1/calls/:id/barge', tag: 'Calls', summary: 'Barge into an active call (supervisor)' },
  'Mutation.stopSupervision': { method: 'DELETE', path: '/v1/calls/:id/supervision', status: 204, tag: 'Calls', summary: 'Stop monitoring, whispering or barging (supervisor)' },
  'Mutation.addManagerNote': { method: 'POST', path: '/v1/calls/:id/manager-notes', tag: 'Calls', summary: 'Append a manager note (supervisor)' },

  'Query.evaluations': { method: 'GET', path: '/v1/evaluations', tag: 'Evaluations', summary: 'List evaluations' },
  'Query.evaluationStats': { method: 'GET', path: '/v1/evaluations/stats', tag: 'Evaluations', summary: 'Evaluation statistics (default: last 30 days)' },
  'Query.evaluation': { method: 'GET', path: '/v1/evaluations/:id', tag: 'Evaluations', summary: 'Get an evaluation' },
  'Mutation.createEvaluation': { method: 'POST', path: '/v1/evaluations', status: 201, tag: 'Evaluations', summary: 'Create an evaluation (internal)' },

  'Query.appointments': { method: 'GET', path: '/v1/appointments', tag: 'Appointments', summary: 'List appointments (yours; supervisors: all)' },
  'Mutation.createAppointment': { method: 'POST', path: '/v1/appointments', status: 201, tag: 'Appointments', summary: 'Schedule an appointment' },
  'Query.appointment': { method: 'GET', path: '/v1/appointments/:id', tag: 'Appointments', summary: 'Get an appointment' },
  'Mutation.updateAppointment': { method: 'PUT', path: '/v1/appointments/:id', tag: 'Appointments', summary: 'Update an appointment' },
  'Mutation.deleteAppointment': { method: 'DELETE', path: '/v1/appointments/:id', status: 204, tag: 'Appointments', summary: 'Delete an appointment' },

  'Query.company': { method: 'GET', path: '/v1/company', tag: 'Company', summary: 'Company settings (manager)' },
  'Mutation.updateCompany': { method: 'PUT', path: '/v1/company', tag: 'Company', summary: 'Update company settings (manager; features: owner)' },
};

/** Path prefixes the REST door owns; everything else under them that matches no route is a JSON 404. */
export const REST_PREFIXES = ['/api/v1/', '/api/auth/'];
