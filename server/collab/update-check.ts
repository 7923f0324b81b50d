import * as Y from 'yjs';
import type { NodeType, Schema } from '@tiptap/pm/model';
import { DOCUMENT_FIELD } from '../../shared/editor/extensions';
import { ProtocolError } from './protocol';

/**
 * What an incoming update would add to a live document, read before it is applied (Yjs cannot take
 * an applied update back): the client ids it writes new content under, and whether that content
 * fits the editor's schema. Content the document already holds (a browser handing back what it
 * received, e.g. its stored copy after a reload) is neither attributed nor checked again.
 *
 * The check is structural, one decoded item at a time, so a keystroke costs a few microseconds
 * whatever the document's size: every new item must land where the editor could have put it —
 * text and allowed marks inside a text block, elements of a known node type inside a parent whose
 * content expression admits that type, attributes only on elements, and only under the one root
 * the editor binds. Deletions are not checked (the editor renders any remainder).
 */
export class OutsideSchema extends ProtocolError {}

/** Where an item sits: the document root, inside an element, or inside a text block's text. */
type Place =
  | { kind: 'root' }
  | { kind: 'element'; node: NodeType }
  | { kind: 'text'; block: NodeType }
  /** Among the attributes of an element (a heading's level): a key/value entry, not content. */
  | { kind: 'attribute' }
  /** Under a deleted and collected item: Yjs drops such content on arrival. */
  | { kind: 'gone' };

export interface InspectedUpdate {
  /** Client ids under which the update adds content the document does not have yet. */
  writers: number[];
}

export function inspectUpdate(doc: Y.Doc, update: Uint8Array, schema: Schema): InspectedUpdate {
  let structs: Array<Y.Item | Y.GC | Y.Skip>;
  try {
    structs = Y.decodeUpdate(update).structs;
  } catch (err) {
    throw new ProtocolError(`malformed update: ${(err as Error).message}`);
  }
  const fresh: Y.Item[] = [];
  const writers = new Set<number>();
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue; // GC (deleted content) and Skip (gaps) add nothing
    if (s.id.clock + s.length <= Y.getState(doc.store, s.id.client)) continue; // already here
    fresh.push(s);
    writers.add(s.id.client);
  }
  if (fresh.length > 0) new Placement(doc, schema, structs).check(fresh);
  return { writers: [...writers] };
}

class Placement {
  private readonly places = new Map<Y.Item, Place>();
  /** The update's items per client, in clock order (as an update lists them), for lookups by id. */
  private readonly incoming = new Map<number, Y.Item[]>();

  constructor(private readonly doc: Y.Doc, private readonly schema: Schema, structs: Array<Y.Item | Y.GC | Y.Skip>) {
    for (const s of structs) {
      if (!(s instanceof Y.Item)) continue;
      const list = this.incoming.get(s.id.client);
      if (list) list.push(s);
      else this.incoming.set(s.id.client, [s]);
    }
  }

  check(items: Y.Item[]) {
    for (const item of items) this.checkItem(item, this.placeOf(item));
  }

  private checkItem(item: Y.Item, place: Place) {
    const content = item.content;
    if (content instanceof Y.ContentDeleted || place.kind === 'gone') return;
    if (place.kind === 'attribute') {
      if (!(content instanceof Y.ContentAny)) refuse('an attribute value that is not plain data');
      return;
    }
    if (place.kind === 'text') {
      if (content instanceof Y.ContentString) return;
      if (content instanceof Y.ContentFormat) {
        const mark = this.schema.marks[markName(content.key)];
        if (!mark || !place.block.allowsMarkType(mark)) refuse(`mark ${content.key} is not allowed in ${place.block.name}`);
        if (content.value !== null && (typeof content.value !== 'object' || Array.isArray(content.value))) refuse('malformed mark attributes');
        return;
      }
      refuse('only text and marks belong in a text run');
    }
    if (!(content instanceof Y.ContentType)) refuse('only elements and text runs belong in a block');
    const type = content.type;
    const parent = place.kind === 'root' ? this.schema.topNodeType : place.node;
    if (type instanceof Y.XmlText) {
      if (!parent.inlineContent) refuse(`text directly in ${parent.name}`);
      return;
    }
    if (!(type instanceof Y.XmlElement)) refuse('an unknown shared type');
    const node = this.schema.nodes[type.nodeName];
    if (!node || node.isText || !childTypes(parent).has(node)) refuse(`${type.nodeName} is not allowed in ${parent.name}`);
  }

  /** The place of a new item: its parent as named, or the parent of its left or right neighbour. */
  private placeOf(item: Y.Item): Place {
    const known = this.places.get(item);
    if (known) return known;
    let place: Place;
    if (typeof item.parent === 'string') {
      if (item.parent !== DOCUMENT_FIELD) refuse(`unknown root ${item.parent}`);
      place = item.parentSub === null ? { kind: 'root' } : refuse('an attribute on the document');
    } else if (item.parent instanceof Y.ID) {
      place = attributeOr(this.placeInside(item.parent), item.parentSub);
    } else {
      // An item with a neighbour carries no parent (nor key): it shares its neighbour's.
      const neighbour = item.origin ?? item.rightOrigin;
      if (!neighbour) refuse('an item without parent or neighbour');
      place = this.placeBeside(neighbour!);
    }
    this.places.set(item, place);
    return place;
  }

  /** Inside the item `id` (which must hold an element or a text run). */
  private placeInside(id: Y.ID): Place {
    const stored = this.stored(id);
    if (stored) {
      if (stored instanceof Y.GC || stored.deleted) return { kind: 'gone' };
      if (!(stored.content instanceof Y.ContentType)) refuse('a parent that is not a shared type');
      return placeOfType((stored.content as Y.ContentType).type, this.schema);
    }
    const item = this.incomingItem(id);
    const content = item.content;
    if (!(content instanceof Y.ContentType)) refuse('a parent that is not a shared type');
    const outer = this.placeOf(item);
    if (outer.kind === 'gone') return outer;
    const type = (content as Y.ContentType).type;
    if (type instanceof Y.XmlText) {
      if (outer.kind !== 'element') refuse('a text run outside an element');
      return { kind: 'text', block: (outer as { node: NodeType }).node };
    }
    if (type instanceof Y.XmlElement) {
      const node = this.schema.nodes[type.nodeName];
      if (!node) refuse(`unknown node ${type.nodeName}`);
      return { kind: 'element', node };
    }
    return refuse('an unknown shared type');
  }

  /** Beside the item holding `id`: in the same parent. */
  private placeBeside(id: Y.ID): Place {
    const stored = this.stored(id);
    if (stored) {
      if (stored instanceof Y.GC) return { kind: 'gone' };
      const parent = stored.parent;
      if (!(parent instanceof Y.AbstractType)) return { kind: 'gone' };
      return attributeOr(placeOfType(parent, this.schema), stored.parentSub);
    }
    return this.placeOf(this.incomingItem(id));
  }

  /** The integrated struct holding `id`, if the document has it. */
  private stored(id: Y.ID): Y.Item | Y.GC | null {
    if (id.clock >= Y.getState(this.doc.store, id.client)) return null;
    const structs = this.doc.store.clients.get(id.client)!;
    return structs[Y.findIndexSS(structs, id.clock)] as Y.Item | Y.GC;
  }

  /** The item of this update holding `id`; an update must carry what the server lacks of its context. */
  private incomingItem(id: Y.ID): Y.Item {
    const items = this.incoming.get(id.client);
    if (items) {
      try {
        return items[Y.findIndexSS(items, id.clock)]; // throws when no item holds the clock
      } catch { /* refused below */ }
    }
    return refuse('an item whose context the server does not have');
  }
}

/** Attributes exist only on elements (a heading's level, a cell's colspan). */
function attributeOr(place: Place, key: string | null): Place {
  if (key === null || place.kind === 'gone') return place;
  return place.kind === 'element' ? { kind: 'attribute' } : refuse('an attribute outside an element');
}

/** The place inside a live shared type of the document (content already there may predate this check). */
function placeOfType(type: Y.AbstractType<any>, schema: Schema): Place {
  if (type instanceof Y.XmlText) {
    const block = type.parent instanceof Y.XmlElement ? schema.nodes[type.parent.nodeName] : undefined;
    if (!block?.inlineContent) refuse('text outside a text block');
    return { kind: 'text', block: block! };
  }
  if (type instanceof Y.XmlElement) {
    const node = schema.nodes[type.nodeName];
    if (!node) refuse(`unknown node ${type.nodeName}`);
    return { kind: 'element', node };
  }
  // The root may still be a plain AbstractType: Yjs types a root only when someone asks for it by type.
  if (type._item === null && type.doc?.share.get(DOCUMENT_FIELD) === type) return { kind: 'root' };
  return refuse('content under a type the editor does not use');
}

/** y-prosemirror stores a mark that may overlap itself as `name--hash`. */
const markName = (key: string) => /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(key)?.[1] ?? key;

const childTypesCache = new WeakMap<NodeType, Set<NodeType>>();

/** Every node type that may appear anywhere in `parent`'s content expression. */
function childTypes(parent: NodeType): Set<NodeType> {
  let types = childTypesCache.get(parent);
  if (types) return types;
  types = new Set();
  const seen = new Set([parent.contentMatch]);
  const queue = [parent.contentMatch];
  while (queue.length > 0) {
    const match = queue.pop()!;
    for (let i = 0; i < match.edgeCount; i++) {
      const { type, next } = match.edge(i);
      types.add(type);
      if (!seen.has(next)) { seen.add(next); queue.push(next); }
    }
  }
  childTypesCache.set(parent, types);
  return types;
}

function refuse(reason: string): never {
  throw new OutsideSchema(`update outside the document schema: ${reason}`);
}

/**
 * Whether an update would change the document: content (items) it does not have yet, or the deletion of
 * text it still shows. A client's catch-up repeats every deletion it knows, most of them already here.
 */
export function changesContent(doc: Y.Doc, update: Uint8Array): boolean {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (err) {
    throw new ProtocolError(`malformed update: ${(err as Error).message}`);
  }
  if (decoded.structs.some((s) => s instanceof Y.Item && s.id.clock + s.length > Y.getState(doc.store, s.id.client))) return true;
  if (decoded.ds.clients.size === 0) return false;
  const deleted = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, ranges] of decoded.ds.clients) {
    const known = Y.getState(doc.store, client);
    const here = deleted.clients.get(client) ?? [];
    for (const { clock, len } of ranges) {
      if (!covered(here, clock, Math.min(clock + len, known))) return true;
    }
  }
  return false;
}

/** Whether sorted, merged ranges cover the clocks [from, to). */
function covered(ranges: ReadonlyArray<{ clock: number; len: number }>, from: number, to: number): boolean {
  let at = from;
  for (const r of ranges) {
    if (at >= to || r.clock > at) break;
    at = Math.max(at, r.clock + r.len);
  }
  return at >= to;
}
