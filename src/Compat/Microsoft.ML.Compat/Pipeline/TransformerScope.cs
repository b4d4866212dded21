using System;

namespace Microsoft.ML.Data
{
    /// <summary>When a transformer of a chain applies: training, testing, scoring, or a combination.</summary>
    [Flags]
    public enum TransformerScope
    {
        /// <summary>Never.</summary>
        None = 0,

        /// <summary>During training.</summary>
        Training = 1 << 0,

        /// <summary>During testing.</summary>
        Testing = 1 << 1,

        /// <summary>During scoring (prediction).</summary>
        Scoring = 1 << 2,

        /// <summary>Training and testing.</summary>
        TrainTest = Training | Testing,

        /// <summary>Always.</summary>
        Everything = Training | Testing | Scoring,
    }
}
