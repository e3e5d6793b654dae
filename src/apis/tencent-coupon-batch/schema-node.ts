/** A body schema node, writable: faults and spec mutations patch a structuredClone of the frozen spec. */
export type SchemaNode = Record<string, unknown>;
