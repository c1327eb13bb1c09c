package cluster

import (
	"sort"
	"strconv"
	"strings"
)

// Roles are the [cluster.roles] assignments, Stalwart style, by role name ("purge.stores",
// "push-notifications"). A role that is not listed runs on every node.
type Roles map[string]Role

// Role is one role's assignment: a list of shards, each the set of node ids that run it.
// Written in TOML as a list of strings of comma-separated ids: ["1", "2,3"] is two shards.
type Role struct {
	Shards [][]NodeID
}

// MaxRoleShards caps the shards of one role, and MaxRoles the roles.
const (
	MaxRoleShards = 1024
	MaxRoles      = 256
)

// Lookup says whether node id runs role name and, for a sharded role (more than one shard),
// which shard (0-based) of how many. A role that is absent or has no shards runs on every node,
// unsharded.
func (r Roles) Lookup(name string, id NodeID) (enabled bool, shard, shards int) {
	role, ok := r[name]
	if !ok || len(role.Shards) == 0 {
		return true, 0, 1
	}
	for i, s := range role.Shards {
		for _, n := range s {
			if n == id {
				return true, i, len(role.Shards)
			}
		}
	}
	return false, 0, len(role.Shards)
}

// Names returns the role names, sorted.
func (r Roles) Names() []string {
	ns := make([]string, 0, len(r))
	for n := range r {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// parse reads a (possibly nested) roles table: purge.stores = ["1"] arrives as
// {purge: {stores: [...]}} and becomes the role "purge.stores".
func (r Roles) parse(key, prefix string, m map[string]any) error {
	for k, v := range m {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		full := key + "." + k
		switch x := v.(type) {
		case map[string]any:
			if err := r.parse(full, name, x); err != nil {
				return err
			}
			continue
		case string, int64:
			v = []any{x}
		case []any:
		default:
			return cfgErr(full, "must be a list of node-id lists, not %s", describe(v))
		}
		list := v.([]any)
		if len(list) > MaxRoleShards {
			return cfgErr(full, "%d shards (limit %d)", len(list), MaxRoleShards)
		}
		if len(r) >= MaxRoles {
			return cfgErr(full, "too many roles (limit %d)", MaxRoles)
		}
		var role Role
		for i, item := range list {
			ids, err := parseShard(item)
			if err != nil {
				return cfgErr(full+"["+strconv.Itoa(i)+"]", "%v", err)
			}
			role.Shards = append(role.Shards, ids)
		}
		r[name] = role
	}
	return nil
}

func parseShard(v any) ([]NodeID, error) {
	switch x := v.(type) {
	case int64:
		if x < 1 || x > 0xFFFF {
			return nil, errorsf(ErrNodeID, "%d is not in 1..65535", x)
		}
		return []NodeID{NodeID(x)}, nil
	case string:
		var ids []NodeID
		for _, f := range strings.Split(x, ",") {
			id, err := ParseNodeID(strings.TrimSpace(f))
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	return nil, errorsf(ErrConfig, "a shard must be a string of comma-separated node ids, not %s", describe(v))
}
