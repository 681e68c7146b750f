// Where a query's selections lead: the selection sets reached from the current field through named
// child fields, following fragments, so a resolver can read ahead for what will be asked below it.
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

function fieldsNamed(info: GraphQLResolveInfo, set: SelectionSetNode, name: string, found: FieldNode[]): FieldNode[] {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === name) found.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fieldsNamed(info, selection.selectionSet, name, found);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment) fieldsNamed(info, fragment.selectionSet, name, found);
    }
  }
  return found;
}

/** The selection sets under the current field at `path` (field names, whatever their aliases), e.g. ['edges', 'node']. */
export function selectionSetsAt(info: GraphQLResolveInfo, path: readonly string[]): SelectionSetNode[] {
  let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) {
    sets = sets.flatMap((set) => fieldsNamed(info, set, name, [])).flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
  }
  return sets;
}
