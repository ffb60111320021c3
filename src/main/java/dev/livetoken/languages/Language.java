package dev.livetoken.languages;

/** A Live Translate language: its canonical BCP-47 code and English name. */
public record Language(String code, String name) {}
