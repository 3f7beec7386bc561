declare module 'swagger-ui-dist/absolute-path.js' {
  /** The folder holding swagger-ui-dist's files: node_modules locally, the bundle's folder once bundled. */
  export default function getAbsoluteFSPath(): string;
}
