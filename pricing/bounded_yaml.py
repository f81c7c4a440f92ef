"""A YAML SafeLoader bounded in nesting, aliases and size after alias expansion (billion laughs), that
refuses a key repeated in a mapping and integers of more than 40 digits. The scenario reader
(app/scenario_input.py) and the template and usage readers (pricing/template/) subclass it with their limits."""
from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

MAX_INT_DIGITS = 40


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader with `max_depth`, `max_aliases` and `max_nodes` (after alias expansion) as class limits."""

    max_depth = 16
    max_aliases = 32
    max_nodes = 20_000

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self.max_aliases:
                raise ComposerError(None, None, f"more than {self.max_aliases} aliases (*name)",
                                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        self._depth += 1
        self._nodes += 1
        try:
            if self._nodes > self.max_nodes:
                raise ComposerError(None, None, f"more than {self.max_nodes} values", self.peek_event().start_mark)
            if self._depth > self.max_depth:
                raise ComposerError(None, None, f"nested deeper than {self.max_depth} levels",
                                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    continue              # SafeConstructor names an unhashable key itself
                if key in seen:
                    raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_int(loader: BoundedLoader, node: Any) -> Any:
    """YAML int, refusing numbers of more than 40 digits (Python refuses 4300+ digits with a ValueError)."""
    if len(str(node.value)) > MAX_INT_DIGITS:
        raise ConstructorError(None, None, f"a number of more than {MAX_INT_DIGITS} digits "
                               f"({str(node.value)[:12]}...)", node.start_mark)
    return loader.construct_yaml_int(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def expanded_nodes(root: Any, limit: int) -> int:
    """Nodes of the document with every alias expanded, counted up to ``limit`` + 1 (billion laughs)."""
    count, stack = 0, [root]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
    return count


def parse_bounded(text: str, loader_cls: type[BoundedLoader]) -> Any:
    """One YAML document read with ``loader_cls``; yaml.YAMLError when it breaks a limit or is malformed."""
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        if node is not None and expanded_nodes(node, loader_cls.max_nodes) > loader_cls.max_nodes:
            raise ComposerError(None, None, f"more than {loader_cls.max_nodes} values once aliases are expanded",
                                node.start_mark)
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
