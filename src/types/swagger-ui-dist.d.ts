declare module 'swagger-ui-dist/absolute-path.js' {
  /** The folder holding swagger-ui's static assets (without loading the 2 MB bundle). */
  const absolutePath: () => string;
  export = absolutePath;
}
