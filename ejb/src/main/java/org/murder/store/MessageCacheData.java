package org.murder.store;

/** The parsed facts about a message the store keeps beside it (see StoreMessageCache). */
public record MessageCacheData(String envelope, String bodyStructure, String body, String structure,
                               String messageIdHeader) {
}
