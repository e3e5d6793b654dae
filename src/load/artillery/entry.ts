/**
 * `promoproof/artillery`: what an export's processor.mjs, plugin and lead hook import, by package name
 * (the export's package.json installs promoproof from the tarball it packed into the export's folder).
 * One entry for all three, so the processor and the plugin of one thread share one runtime module
 * (its live processors and the thread's phases).
 */
export { createArtilleryProcessor, flushProcessors, useThreadPhases } from './runtime.js';
export { createPlugin } from './plugin.js';
export { startLeadWriter } from './lead.js';
