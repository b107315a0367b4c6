/**
 * Imported before anything else by the entry point. graphql-js (and Express) choose their code
 * paths from NODE_ENV when they load; graphql-js's development `instanceOf` check alone cost
 * about as much as executing a list query. A server is production unless told otherwise.
 */
process.env.NODE_ENV ??= 'production';
