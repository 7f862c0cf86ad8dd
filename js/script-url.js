// Injected by esbuild in place of `import.meta.url` (the glue and the section loader
// resolve file names against it): the URL of the one script tag running this
// bundle. Evaluated while that classic script runs, so currentScript is set.
export var script_url = (document.currentScript && document.currentScript.src) || document.baseURI;
