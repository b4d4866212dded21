// Microsoft.ML.MaskRcnn: Mask R-CNN instance segmentation for .NET, delivered as ML.NET components.
// Layout: Ops/ (box ops, RoIAlign, NMS), Modeling/ (the network), Checkpoints/, Data/, Evaluation/, Training/,
// and at the root the ML.NET catalog extension, estimator and transformer. See docs/architecture.md.
