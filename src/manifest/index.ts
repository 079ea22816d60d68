export * from './media-types.js';
export * from './parse.js';
export * from './platform.js';
export * from './serialize.js';
export * from './types.js';
