export * from './admin.js';
export * from './calls.js';
export * from './common.js';
export * from './enums.js';
export * from './geo.js';
export * from './incidents.js';
export * from './units.js';
