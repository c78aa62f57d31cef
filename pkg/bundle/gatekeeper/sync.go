package gatekeeper

import (
	"encoding/json"
	"fmt"
	"sort"
)

// gvk is a group, version and kind Gatekeeper syncs.
type gvk struct {
	Group   string `yaml:"group" json:"group"`
	Version string `yaml:"version" json:"version"`
	Kind    string `yaml:"kind" json:"kind"`
}

// syncVersions gives the group and version to sync every kind a rule may
// look up at. The rules match any apiVersion, and the API server serves
// every object of a kind at each of its versions, so one served version per
// kind is enough: the current one.
var syncVersions = map[string]groupVersion{
	"Pod":                     {"", "v1"},
	"ReplicationController":   {"", "v1"},
	"LimitRange":              {"", "v1"},
	"Secret":                  {"", "v1"},
	"ServiceAccount":          {"", "v1"},
	"Deployment":              {"apps", "v1"},
	"StatefulSet":             {"apps", "v1"},
	"DaemonSet":               {"apps", "v1"},
	"ReplicaSet":              {"apps", "v1"},
	"Job":                     {"batch", "v1"},
	"CronJob":                 {"batch", "v1"},
	"HorizontalPodAutoscaler": {"autoscaling", "v2"},
	"VerticalPodAutoscaler":   {"autoscaling.k8s.io", "v1"},
	"PodDisruptionBudget":     {"policy", "v1"},
	"ClusterRole":             {"rbac.authorization.k8s.io", "v1"},
	"ScaledObject":            {"keda.sh", "v1alpha1"},
	"Rollout":                 {"argoproj.io", "v1alpha1"},
	"Prometheus":              {"monitoring.coreos.com", "v1"},
	"Alertmanager":            {"monitoring.coreos.com", "v1"},
	"ThanosRuler":             {"monitoring.coreos.com", "v1"},
	"PrometheusAgent":         {"monitoring.coreos.com", "v1alpha1"},
	"Kafka":                   {"kafka.strimzi.io", "v1beta2"},
	"KafkaBridge":             {"kafka.strimzi.io", "v1beta2"},
	"KafkaConnect":            {"kafka.strimzi.io", "v1beta2"},
	"KafkaMirrorMaker2":       {"kafka.strimzi.io", "v1beta2"},
	"KafkaNodePool":           {"kafka.strimzi.io", "v1beta2"},
	"RabbitmqCluster":         {"rabbitmq.com", "v1beta1"},
	"LeaderWorkerSet":         {"leaderworkerset.x-k8s.io", "v1"},
}

type groupVersion struct{ group, version string }

// syncGVK returns the GVK Gatekeeper syncs kind at.
func syncGVK(kind string) (gvk, bool) {
	gv, ok := syncVersions[kind]
	return gvk{Group: gv.group, Version: gv.version, Kind: kind}, ok
}

// syncGVKs returns the GVKs of kinds, sorted by group and kind.
func syncGVKs(kinds []string) ([]gvk, error) {
	gvks := make([]gvk, 0, len(kinds))
	for _, kind := range kinds {
		g, ok := syncGVK(kind)
		if !ok {
			return nil, fmt.Errorf("a rule looks up %s, which the Gatekeeper sync table does not list: add its group and version", kind)
		}
		gvks = append(gvks, g)
	}
	sort.Slice(gvks, func(i, j int) bool {
		if gvks[i].Group != gvks[j].Group {
			return gvks[i].Group < gvks[j].Group
		}
		return gvks[i].Kind < gvks[j].Kind
	})
	return gvks, nil
}

// syncSetFor replicates the kinds into data.inventory. A SyncSet is what
// sync/ holds: Gatekeeper's docs prefer it since 3.15, and several SyncSets
// add up, while the one Config named config is the cluster's own
// (exemptions, traces) and applying ours would replace its sync list.
func syncSetFor(gvks []gvk, revision string) ([]byte, error) {
	return marshal(resource{
		APIVersion: SyncSetAPIVersion,
		Kind:       "SyncSet",
		Metadata:   metadata{Name: "prodready", Labels: labels(), Annotations: map[string]string{RevisionAnnotation: revision}},
		Spec: struct {
			GVKs []gvk `yaml:"gvks"`
		}{gvks},
	})
}

// configFor is the same sync list as Gatekeeper's Config (how clusters synced before 3.15),
// for clusters that manage sync there: merge its syncOnly into yours.
func configFor(gvks []gvk, revision string) ([]byte, error) {
	type syncOnly struct {
		SyncOnly []gvk `yaml:"syncOnly"`
	}
	return marshal(resource{
		APIVersion: ConfigAPIVersion,
		Kind:       "Config",
		Metadata:   metadata{Name: "config", Namespace: "gatekeeper-system", Annotations: map[string]string{RevisionAnnotation: revision}},
		Spec: struct {
			Sync syncOnly `yaml:"sync"`
		}{syncOnly{gvks}},
	})
}

// syncRequirements is the requires-sync-data annotation of a template
// whose rule looks up kinds: one requirement per kind, in Gatekeeper's
// compact JSON form.
func syncRequirements(kinds []string) (string, error) {
	type clause struct {
		Groups   []string `json:"groups"`
		Versions []string `json:"versions"`
		Kinds    []string `json:"kinds"`
	}
	gvks, err := syncGVKs(kinds)
	if err != nil {
		return "", err
	}
	reqs := make([][]clause, 0, len(gvks))
	for _, g := range gvks {
		reqs = append(reqs, []clause{{Groups: []string{g.Group}, Versions: []string{g.Version}, Kinds: []string{g.Kind}}})
	}
	out, err := json.Marshal(reqs)
	return string(out), err
}
