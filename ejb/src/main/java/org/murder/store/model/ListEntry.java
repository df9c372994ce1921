package org.murder.store.model;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** One LIST/LSUB answer: an external mailbox name and its attributes. */
public record ListEntry(String name, Set<ListAttribute> attributes) {

    public ListEntry {
        attributes = attributes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(attributes));
    }

    public boolean has(ListAttribute attribute) {
        return attributes.contains(attribute);
    }

    /** The attributes as the wire spells them, in Cyrus's order ({@link ListAttribute}'s). */
    public List<String> imapAttributes() {
        List<String> out = new ArrayList<>(attributes.size());
        for (ListAttribute a : ListAttribute.values()) {
            if (attributes.contains(a)) {
                out.add(a.imap());
            }
        }
        return out;
    }

    /** The parenthesised attribute list in Cyrus's order, e.g. {@code (\Noselect \HasChildren)}. */
    public String attributeList() {
        return "(" + String.join(" ", imapAttributes()) + ")";
    }
}
