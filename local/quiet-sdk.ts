/**
 * Imported first by the local entry points: Lambda runs Node 22, while locally Node 20 is
 * supported and the lockfile pins the SDK, so the SDK's Node-version nag is noise here. It must be
 * set before any module that builds a client is evaluated, which a statement in the entry file,
 * running after every import, would not be.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
