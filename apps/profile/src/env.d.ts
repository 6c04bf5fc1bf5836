// Asset modules handled by the bundler (esbuild `file` loader / CSS bundling).
declare module '*.css';

declare module '*.png' {
  const url: string;
  export default url;
}

declare module '*.svg' {
  const url: string;
  export default url;
}
