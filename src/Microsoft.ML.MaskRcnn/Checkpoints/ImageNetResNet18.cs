using System;
using System.IO;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// The ImageNet-trained ResNet-18 that ML.NET's NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 ships: the network
    /// (DnnImageModels/ResNet18Onnx/ResNet18.onnx) and its preprocessing (DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx).
    /// The package's build props copy that DnnImageModels folder into the output folder of every project that references it,
    /// which is where <see cref="Locate"/> looks unless told another folder.
    /// </summary>
    public sealed class ImageNetResNet18
    {
        /// <summary>The NuGet package that carries the models.</summary>
        public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

        /// <summary>The package version this import was written and checked against.</summary>
        public const string PackageVersion = "0.24.0";

        /// <summary>The folder name the package copies into the output folder.</summary>
        public const string ModelsFolderName = "DnnImageModels";

        private ImageNetResNet18(string networkPath, string preprocessingPath)
        {
            NetworkPath = networkPath;
            PreprocessingPath = preprocessingPath;
        }

        /// <summary>ResNet18.onnx: the network, read by <see cref="OnnxResNetWeights.Read"/>.</summary>
        public string NetworkPath { get; }

        /// <summary>ResNetPreprocess.onnx: channel order and mean, read by <see cref="OnnxImagePreprocessing.Read"/>.</summary>
        public string PreprocessingPath { get; }

        /// <summary>
        /// Finds both files in <paramref name="modelsFolder"/> (a DnnImageModels folder), or by default in the DnnImageModels
        /// folder beside the application (<see cref="AppContext.BaseDirectory"/>).
        /// </summary>
        /// <exception cref="FileNotFoundException">A file is absent; the message names the path and the package to add.</exception>
        public static ImageNetResNet18 Locate(string? modelsFolder = null)
        {
            string folder = modelsFolder ?? Path.Combine(AppContext.BaseDirectory, ModelsFolderName);
            string network = Path.Combine(folder, "ResNet18Onnx", "ResNet18.onnx");
            string preprocessing = Path.Combine(folder, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
            foreach (var path in new[] { network, preprocessing })
            {
                if (!File.Exists(path))
                    throw new FileNotFoundException(
                        $"The ImageNet ResNet-18 file '{path}' does not exist. Add the NuGet package {PackageId} {PackageVersion} to the application " +
                        $"(`dotnet add package {PackageId} --version {PackageVersion}`): its build props copy the {ModelsFolderName} folder into the " +
                        "output folder. Or give the folder that holds ResNet18Onnx/ and ResNetPrepOnnx/.", path);
            }
            return new ImageNetResNet18(network, preprocessing);
        }
    }
}
