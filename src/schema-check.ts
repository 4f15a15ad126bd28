import { ChangeType, CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import {
  buildSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/**
 * The breaking-change guard behind `npm run schema:check`: the current schema against the last
 * released one (schema/released.graphql).
 *
 * A breaking change fails the check unless
 *  - it retires something that carries @deprecated in the released schema (the deprecation
 *    policy: announce with @deprecated(reason:) in one release, remove in a later one), or
 *  - it is recorded in CHANGELOG.md: a list item under the `### Breaking` heading of the
 *    `## Unreleased` section that names the change's path in backticks (`Query.tenants`,
 *    `Query.tenants.first` for an argument) or quotes the inspector's message verbatim.
 */

export interface SchemaChange {
  type: string;
  path: string | null;
  message: string;
  level: 'breaking' | 'dangerous' | 'safe';
}

export interface AllowedChange extends SchemaChange {
  why: 'deprecated' | 'changelog';
}

export interface SchemaCheckResult {
  /** Breaking changes neither deprecated first nor recorded: each one fails the check. */
  breaking: SchemaChange[];
  /** Breaking changes the policy lets through, with the reason. */
  allowed: AllowedChange[];
  /** Changes that break no valid operation but may change what clients see (new enum value, new default). */
  dangerous: SchemaChange[];
  safe: SchemaChange[];
  ok: boolean;
}

export async function checkSchemaCompatibility(releasedSdl: string, currentSdl: string, changelog: string): Promise<SchemaCheckResult> {
  const released = buildSchema(releasedSdl);
  const current = buildSchema(currentSdl);
  const changes = await diff(released, current);
  const recorded = recordedBreakingChanges(changelog);
  const removedTypes = new Set(changes.filter((c) => c.type === ChangeType.TypeRemoved && c.path).map((c) => c.path!));

  const result: SchemaCheckResult = { breaking: [], allowed: [], dangerous: [], safe: [], ok: true };
  for (const change of changes) {
    const entry = toEntry(change);
    if (entry.level === 'safe') result.safe.push(entry);
    else if (entry.level === 'dangerous') result.dangerous.push(entry);
    else if (retiresDeprecated(change, released, removedTypes)) result.allowed.push({ ...entry, why: 'deprecated' });
    else if (isRecorded(entry, recorded)) result.allowed.push({ ...entry, why: 'changelog' });
    else result.breaking.push(entry);
  }
  result.ok = result.breaking.length === 0;
  return result;
}

function toEntry(change: Change): SchemaChange {
  const level =
    change.criticality.level === CriticalityLevel.Breaking
      ? 'breaking'
      : change.criticality.level === CriticalityLevel.Dangerous
        ? 'dangerous'
        : 'safe';
  return { type: change.type, path: change.path ?? null, message: change.message, level };
}

/** The list items under `### Breaking` in `## Unreleased`: released sections no longer excuse anything. */
export function recordedBreakingChanges(changelog: string): string[] {
  const items: string[] = [];
  let inUnreleased = false;
  let inBreaking = false;
  for (const line of changelog.split(/\r?\n/)) {
    if (/^##\s/.test(line)) {
      inUnreleased = /^##\s+\[?unreleased\]?\s*$/i.test(line);
      inBreaking = false;
    } else if (/^###\s/.test(line)) {
      inBreaking = inUnreleased && /^###\s+breaking\b/i.test(line);
    } else if (inBreaking && /^\s*[-*]\s+/.test(line)) {
      items.push(line.replace(/^\s*[-*]\s+/, ''));
    } else if (inBreaking && items.length > 0 && /^\s+\S/.test(line)) {
      // A wrapped continuation line of the previous item.
      items[items.length - 1] += ` ${line.trim()}`;
    }
  }
  return items;
}

function isRecorded(change: SchemaChange, recorded: string[]): boolean {
  return recorded.some((item) => (change.path !== null && item.includes(`\`${change.path}\``)) || item.includes(change.message));
}

/** Path segments of an inspector path: Type.field, Type.field.argument, Enum.VALUE, Input.field. */
function segments(path: string | undefined): string[] {
  return path === undefined ? [] : path.split('.');
}

function retiresDeprecated(change: Change, released: GraphQLSchema, removedTypes: Set<string>): boolean {
  const [typeName, member, argument] = segments(change.path);
  if (typeName === undefined) return false;
  const type = released.getType(typeName);
  switch (change.type) {
    case ChangeType.FieldRemoved:
      return (isObjectType(type) || isInterfaceType(type)) && member !== undefined && isDeprecated(type.getFields()[member]);
    case ChangeType.FieldArgumentRemoved: {
      const field = (isObjectType(type) || isInterfaceType(type)) && member !== undefined ? type.getFields()[member] : undefined;
      return field !== undefined && (isDeprecated(field) || isDeprecated(field.args.find((a) => a.name === argument)));
    }
    case ChangeType.InputFieldRemoved:
      return isInputObjectType(type) && member !== undefined && isDeprecated(type.getFields()[member]);
    case ChangeType.EnumValueRemoved:
      return type !== undefined && 'getValue' in type && member !== undefined && isDeprecated(type.getValue(member));
    case ChangeType.TypeRemoved:
      return type !== undefined && onlyReachableThroughRetired(type, released, removedTypes);
    default:
      return false;
  }
}

function isDeprecated(member: { deprecationReason?: string | null } | null | undefined): boolean {
  return member !== null && member !== undefined && typeof member.deprecationReason === 'string';
}

/**
 * A removed type breaks no client when every released reference to it was deprecated or sits in a
 * type removed as well (that removal is judged on its own), e.g. the payload of a retired field.
 */
function onlyReachableThroughRetired(target: GraphQLNamedType, released: GraphQLSchema, removedTypes: Set<string>): boolean {
  let referenced = false;
  for (const type of Object.values(released.getTypeMap())) {
    if (type.name.startsWith('__') || type.name === target.name) continue;
    const holderRemoved = removedTypes.has(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (getNamedType(field.type) === target) {
          referenced = true;
          if (!holderRemoved && !isDeprecated(field)) return false;
        }
        for (const arg of field.args) {
          if (getNamedType(arg.type) === target) {
            referenced = true;
            if (!holderRemoved && !isDeprecated(field) && !isDeprecated(arg)) return false;
          }
        }
      }
      if (isObjectType(type) && type.getInterfaces().includes(target as never)) return false;
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (getNamedType(field.type) === target) {
          referenced = true;
          if (!holderRemoved && !isDeprecated(field)) return false;
        }
      }
    } else if ('getTypes' in type && type.getTypes().includes(target as never)) {
      return false;
    }
  }
  // A type nothing referenced could only be named in fragments; removing it is still a break.
  return referenced;
}
