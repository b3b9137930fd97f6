package io.lockstep.app;
public class Main { public static void main(String[] a) {} }
