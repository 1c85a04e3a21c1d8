package org.llmworkbench.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Name → tensor, in insertion order: the model-independent form of a set of weights that files,
 * layouts and models exchange. Names are unique; putting a name twice is a bug in the caller.
 */
public final class StateDict {
    private final LinkedHashMap<String, NamedTensor> tensors = new LinkedHashMap<>();

    public StateDict() {}

    public StateDict(Collection<NamedTensor> tensors) {
        tensors.forEach(this::put);
    }

    public StateDict put(NamedTensor t) {
        if (tensors.putIfAbsent(t.name(), t) != null) {
            throw new IllegalArgumentException("state dict already has a tensor named '" + t.name() + "'");
        }
        return this;
    }

    /** Replaces or adds. */
    public StateDict set(NamedTensor t) {
        tensors.put(t.name(), t);
        return this;
    }

    public NamedTensor get(String name) {
        NamedTensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("state dict has no tensor named '" + name + "'");
        return t;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public NamedTensor remove(String name) {
        return tensors.remove(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    public Collection<NamedTensor> tensors() {
        return Collections.unmodifiableCollection(tensors.values());
    }

    public Map<String, NamedTensor> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public int size() {
        return tensors.size();
    }

    public long parameterCount() {
        long n = 0;
        for (NamedTensor t : tensors.values()) n += t.data().length;
        return n;
    }

    public static StateDict fromNDArrays(Map<String, NDArray> arrays) {
        StateDict sd = new StateDict();
        arrays.forEach((name, a) -> sd.put(NamedTensor.fromNDArray(name, a)));
        return sd;
    }

    @Override
    public boolean equals(Object o) {
        // Order matters for files, not for meaning: two dicts are equal when they map the same names to equal tensors.
        return o instanceof StateDict s && tensors.equals(s.tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        return "StateDict" + tensors.values();
    }
}
