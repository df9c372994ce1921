package org.murder.store.model;

import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;

/** One LIST/LSUB answer: an external mailbox name and its attributes. */
public record ListEntry(String name, Set<ListAttribute> attributes) {

    public ListEntry {
        attributes = attributes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(attributes));
    }

    public boolean has(ListAttribute attribute) {
        return attributes.contains(attribute);
    }

    /** The parenthesised attribute list in Cyrus's order, e.g. {@code (\Noselect \HasChildren)}. */
    public String attributeList() {
        StringJoiner j = new StringJoiner(" ", "(", ")");
        for (ListAttribute a : ListAttribute.values()) {
            if (attributes.contains(a)) {
                j.add(a.imap());
            }
        }
        return j.toString();
    }
}
