declare module 'swagger-ui-dist' {
  /** The folder holding swagger-ui's static assets. */
  export function absolutePath(): string;
}
