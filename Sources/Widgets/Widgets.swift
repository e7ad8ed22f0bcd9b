public enum WidgetsModule {}
