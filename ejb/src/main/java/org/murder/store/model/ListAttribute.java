package org.murder.store.model;

/** Mailbox name attributes of LIST/LSUB responses, in the order Cyrus prints them. */
public enum ListAttribute {
    NOINFERIORS("\\Noinferiors"),
    NOSELECT("\\Noselect"),
    MARKED("\\Marked"),
    UNMARKED("\\Unmarked"),
    NONEXISTENT("\\NonExistent"),
    SUBSCRIBED("\\Subscribed"),
    REMOTE("\\Remote"),
    HAS_CHILDREN("\\HasChildren"),
    HAS_NO_CHILDREN("\\HasNoChildren");

    private final String imap;

    ListAttribute(String imap) {
        this.imap = imap;
    }

    /** The attribute as it appears on the wire. */
    public String imap() {
        return imap;
    }
}
