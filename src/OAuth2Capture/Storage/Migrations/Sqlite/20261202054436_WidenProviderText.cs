using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OAuth2Capture.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class WidenProviderText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
