// The page's script as `npm run build` bundles it into the visualizer's image (platform/build.ts replaces
// this module); run from source, there is none and the script is bundled on first request.
export const bundledPageScript: string | undefined = undefined;
