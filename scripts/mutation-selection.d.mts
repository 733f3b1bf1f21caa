// Types of mutation-selection.mjs (plain JS, since stryker.config.mjs loads it).
export declare const FOLDERS: string[];
export declare const FILE: RegExp;
export declare const NOT_REFERENCE: string[];
export declare const NOT_BEHIND_CONTRACT: string[];
export declare function reportFolder(selection: string[]): string;
